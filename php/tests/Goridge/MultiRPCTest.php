<?php

declare(strict_types=1);

namespace Rr\Tests\Goridge;

use PHPUnit\Framework\TestCase;
use Rr\Tests\Stub\TestRelay;
use Spiral\Goridge\Frame;
use Spiral\Goridge\RPC\Exception\RPCException;
use Spiral\Goridge\RPC\Exception\ServiceException;
use Spiral\Goridge\RPC\MultiRPC;

final class MultiRPCTest extends TestCase
{
    /** A relay answering each request with "<method>:<payload>" (JSON) under its own seq. */
    private static function echoing(): TestRelay
    {
        $answer = static function (Frame $req, TestRelay $relay): void {
            $method = \substr((string) $req->payload, 0, $req->options[1]);
            $body = \substr((string) $req->payload, $req->options[1]);
            if ($method === 'Test.Fail') {
                $relay->addFrames(new Frame(
                    $method . 'boom',
                    [$req->options[0], \strlen($method)],
                    Frame::CODEC_JSON | Frame::ERROR,
                ));
                return;
            }
            $reply = \json_encode($method . ':' . \json_decode($body));
            $relay->addFrames(new Frame($method . $reply, [$req->options[0], \strlen($method)], $req->flags));
        };
        return (new TestRelay())->onSend($answer);
    }

    public function testCallUsesAFreeRelayAndDecodes(): void
    {
        $rpc = new MultiRPC([self::echoing(), self::echoing()]);
        self::assertSame('A.B:x', $rpc->call('A.B', 'x'));
        self::assertSame('informer.Workers:y', $rpc->withServicePrefix('informer')->call('workers', 'y'));
    }

    public function testAsyncCallsCollectedInAnyOrder(): void
    {
        $rpc = new MultiRPC([self::echoing(), self::echoing(), self::echoing()]);
        $a = $rpc->callAsync('A.One', '1');
        $b = $rpc->callAsync('A.Two', '2');
        self::assertTrue($rpc->hasResponse($a));
        self::assertSame([$a, $b], $rpc->hasAnyResponse([$a, $b]));
        self::assertSame('A.Two:2', $rpc->getResponse($b));
        self::assertSame('A.One:1', $rpc->getResponse($a));
        self::assertFalse($rpc->hasResponse($a));
    }

    public function testMoreAsyncCallsThanRelaysBufferTheOldestReply(): void
    {
        $rpc = new MultiRPC([self::echoing(), self::echoing()]);
        $seqs = [];
        for ($i = 0; $i < 5; ++$i) {
            $seqs[] = $rpc->callAsync('A.N', (string) $i);
        }
        // Every reply can still be collected, whatever relay it came on.
        foreach (\array_reverse($seqs, true) as $i => $seq) {
            self::assertTrue($rpc->hasResponse($seq));
            self::assertSame('A.N:' . $i, $rpc->getResponse($seq));
        }
    }

    public function testIgnoredRepliesAreDrainedBeforeTheRelayIsReused(): void
    {
        $relay = self::echoing();
        $rpc = new MultiRPC([$relay]);
        $rpc->callIgnoreResponse('A.Fire', 'and forget');
        $rpc->callIgnoreResponse('Test.Fail', 'an error nobody reads');
        // One relay: each call must first read the reply it still owes.
        self::assertSame('A.After:z', $rpc->call('A.After', 'z'));
        self::assertCount(3, $relay->getReceived());
    }

    public function testErrorsAndUnknownSeq(): void
    {
        $rpc = new MultiRPC([self::echoing()]);
        $seq = $rpc->callAsync('Test.Fail', 'x');
        try {
            $rpc->getResponse($seq);
            self::fail('expected a ServiceException');
        } catch (ServiceException $e) {
            self::assertStringStartsWith("Error 'boom' on ", $e->getMessage());
        }
        $this->expectException(RPCException::class);
        $rpc->getResponse(987654);
    }

    public function testNeedsARelay(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        new MultiRPC([]);
    }
}
