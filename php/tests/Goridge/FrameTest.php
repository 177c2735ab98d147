<?php

declare(strict_types=1);

namespace Rr\Tests\Goridge;

use PHPUnit\Framework\TestCase;
use Rr\Tests\Stub\Vectors;
use Spiral\Goridge\Exception\InvalidArgumentException;
use Spiral\Goridge\Frame;

final class FrameTest extends TestCase
{
    /** @return iterable<string, array{array<string, mixed>}> */
    public function goldenVectors(): iterable
    {
        foreach (Vectors::all() as $name => $vector) {
            yield $name => [$vector];
        }
    }

    /** @dataProvider goldenVectors */
    public function testPacksGoldenFramesByteExact(array $vector): void
    {
        $frame = new Frame(\hex2bin($vector['payload_hex']), $vector['options'], $vector['flags']);
        $frame->byte10 = $vector['byte10'];

        self::assertSame($vector['frame_hex'], \bin2hex(Frame::packFrame($frame)));
    }

    /** @dataProvider goldenVectors */
    public function testParsesGoldenFramesBack(array $vector): void
    {
        $bytes = \hex2bin($vector['frame_hex']);
        $header = Frame::readHeader(\substr($bytes, 0, 12));
        $frame = Frame::initFrame($header, \substr($bytes, 12));

        self::assertSame($vector['flags'], $frame->flags);
        self::assertSame($vector['byte10'], $frame->byte10);
        self::assertSame($vector['options'], $frame->options);
        self::assertSame($vector['payload_hex'], \bin2hex((string) $frame->payload));
    }

    public function testGoldenBinFilesMatchTheIndex(): void
    {
        foreach (Vectors::all() as $name => $vector) {
            $file = __DIR__ . '/../../../tests/vectors/' . $name . '.bin';
            self::assertFileExists($file);
            $bytes = (string) \file_get_contents($file);
            self::assertSame($vector['frame_hex'], \bin2hex($bytes), $name);
        }
    }

    public function testReadHeaderReturnsFlagsOptionCountLengthAndStreamBytes(): void
    {
        $bytes = Vectors::frame('proto_response_stream_chunk');

        $expected = [Frame::CODEC_PROTO, 1, 0x26, Frame::BYTE10_STREAM, 0];
        self::assertSame($expected, Frame::readHeader($bytes));
    }

    public function testReadHeaderRejectsShortHeaders(): void
    {
        $this->expectException(InvalidArgumentException::class);
        Frame::readHeader("\x13\x00\x00");
    }

    public function testReadHeaderRejectsHeaderLengthBelowThree(): void
    {
        $this->expectException(InvalidArgumentException::class);
        Frame::readHeader("\x12" . \str_repeat("\x00", 11));
    }

    public function testPacksLittleEndianLengthsAndManyOptions(): void
    {
        $payload = \str_repeat('x', 0x010203);
        $frame = new Frame($payload, [1, 0xFFFFFFFF, 7], Frame::CODEC_RAW);
        $bytes = Frame::packFrame($frame);

        self::assertSame(0x16, \ord($bytes[0]));
        self::assertSame("\x03\x02\x01\x00", \substr($bytes, 2, 4));
        self::assertSame(\pack('V', \crc32(\substr($bytes, 0, 6))), \substr($bytes, 6, 4));
        $options = "\x01\x00\x00\x00" . "\xFF\xFF\xFF\xFF" . "\x07\x00\x00\x00";
        self::assertSame($options, \substr($bytes, 12, 12));
        self::assertSame(12 + 12 + \strlen($payload), \strlen($bytes));

        $back = Frame::initFrame(Frame::readHeader($bytes), \substr($bytes, 12));
        self::assertSame([1, 0xFFFFFFFF, 7], $back->options);
        self::assertSame($payload, $back->payload);
    }

    public function testNullPayloadPacksAsEmpty(): void
    {
        self::assertSame(Vectors::frame('pong'), (function (): string {
            $frame = new Frame(null);
            $frame->byte10 = Frame::BYTE10_PONG;
            return Frame::packFrame($frame);
        })());
    }

    public function testSetFlagOrsFlagsAndRejectsValuesAboveAByte(): void
    {
        $frame = new Frame('x');
        $frame->setFlag(Frame::CONTROL, Frame::CODEC_JSON);

        self::assertSame(0x09, $frame->flags);
        self::assertTrue($frame->hasFlag(Frame::CONTROL));
        self::assertTrue($frame->hasFlag(Frame::CODEC_JSON));
        self::assertFalse($frame->hasFlag(Frame::ERROR));

        $this->expectException(InvalidArgumentException::class);
        $frame->setFlag(256);
    }

    public function testSetOptionsReplacesOptions(): void
    {
        $frame = new Frame('x', [1, 2]);
        $frame->setOptions(5);

        self::assertSame([5], $frame->options);
    }
}
