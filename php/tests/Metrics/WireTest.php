<?php

declare(strict_types=1);

namespace Rr\Tests\Metrics;

use PHPUnit\Framework\TestCase;
use Rr\Tests\Stub\TestRelay;
use Spiral\Goridge\Frame;
use Spiral\Goridge\RPC\RPC;
use Spiral\RoadRunner\Metrics\Collector;
use Spiral\RoadRunner\Metrics\Exception\MetricsException;
use Spiral\RoadRunner\Metrics\Metrics;

/**
 * The metrics client over the real goridge RPC client: the frames it sends are byte for byte
 * the bodies in tests/vectors/metrics_rpc.json, which the C++ tests feed to the server side
 * (tests/unit/metrics/rpc_vectors_test.cpp) with the answers recorded there.
 */
final class WireTest extends TestCase
{
    /** @return list<array{name: string, method: string, body: string, reply?: string, error?: string}> */
    private static function vectors(): array
    {
        $json = \file_get_contents(__DIR__ . '/../../../tests/vectors/metrics_rpc.json');
        self::assertIsString($json);
        return \json_decode($json, true, 512, \JSON_THROW_ON_ERROR)['calls'];
    }

    /** @return array<string, \Closure(Metrics): void> the PHP call behind each vector */
    private static function calls(): array
    {
        return [
            'declare_counter' => static fn (Metrics $m) => $m->declare(
                'http_requests',
                Collector::counter()->withNamespace('app')->withHelp('Requests.')->withLabels('status', 'method'),
            ),
            'add_counter' => static fn (Metrics $m) => $m->add('http_requests', 1, ['200', 'GET']),
            'declare_histogram' => static fn (Metrics $m) => $m->declare('latency', Collector::histogram(0.1, 0.5, 1)),
            'observe_histogram' => static fn (Metrics $m) => $m->observe('latency', 0.25),
            'declare_gauge' => static fn (Metrics $m) => $m->declare(
                'queue',
                Collector::gauge()->withSubsystem('jobs')->withHelp('Queued jobs.')->withLabels('name'),
            ),
            'set_gauge' => static fn (Metrics $m) => $m->set('queue', 3, ['default']),
            'sub_gauge' => static fn (Metrics $m) => $m->sub('queue', 1, ['default']),
            'declare_summary' => static fn (Metrics $m) => $m->declare('job', Collector::summary()->withHelp('Job time.')),
            'observe_summary' => static fn (Metrics $m) => $m->observe('job', 2.5),
            'declare_existing' => static fn (Metrics $m) => $m->declare('http_requests', Collector::counter()),
            'add_undefined' => static fn (Metrics $m) => $m->add('nope', 1),
            'set_wrong_type' => static fn (Metrics $m) => $m->set('http_requests', 1, ['200', 'GET']),
            'unregister' => static fn (Metrics $m) => $m->unregister('latency'),
            'observe_unregistered' => static fn (Metrics $m) => $m->observe('latency', 0.25),
        ];
    }

    public function testFramesMatchTheSharedVectorsAndErrorsBecomeMetricsExceptions(): void
    {
        $vectors = self::vectors();
        $calls = self::calls();
        self::assertSame(\array_column($vectors, 'name'), \array_keys($calls));

        $current = null;
        $relay = (new TestRelay())->onSend(static function (Frame $req, TestRelay $relay) use (&$current): void {
            $method = \substr((string) $req->payload, 0, $req->options[1]);
            $options = [$req->options[0], \strlen($method)];
            if (isset($current['error'])) {
                $relay->addFrames(new Frame($method . $current['error'], $options, Frame::CODEC_JSON | Frame::ERROR));
            } else {
                $relay->addFrames(new Frame($method . 'true', $options, Frame::CODEC_JSON));
            }
        });
        $metrics = new Metrics(new RPC($relay));

        foreach ($vectors as $i => $vector) {
            $current = $vector;
            $thrown = null;
            try {
                $calls[$vector['name']]($metrics);
            } catch (MetricsException $e) {
                $thrown = $e;
            }
            $sent = $relay->getReceived()[$i];
            self::assertSame($vector['method'] . $vector['body'], $sent->payload, $vector['name']);
            self::assertSame([$sent->options[0], \strlen($vector['method'])], $sent->options);
            self::assertSame(Frame::CODEC_JSON, $sent->flags & Frame::CODEC_JSON);

            if (!isset($vector['error']) || $vector['name'] === 'declare_existing') {
                // A duplicate declaration is swallowed, like upstream's client does.
                self::assertNull($thrown, $vector['name']);
            } else {
                self::assertNotNull($thrown, $vector['name']);
                self::assertStringContainsString($vector['error'], $thrown->getMessage());
            }
        }
    }
}
