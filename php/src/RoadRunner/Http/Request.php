<?php

declare(strict_types=1);

namespace Spiral\RoadRunner\Http;

/**
 * One HTTP request as the server describes it (PROTOCOL.md §4.2–4.3). Immutable.
 *
 * @psalm-type UploadedFile = array{
 *     name: string, error: int, tmpName: string, size: int, mime: string
 * }
 */
final class Request
{
    public const PARSED_BODY_ATTRIBUTE_NAME = 'rr_parsed_body';

    /**
     * @param array<string, list<string>> $headers
     * @param array<string, string> $cookies
     * @param array<array-key, mixed> $uploads tree of UploadedFile arrays
     * @param array<string, mixed> $attributes
     * @param array<array-key, mixed> $query
     */
    public function __construct(
        public readonly string $remoteAddr = '127.0.0.1',
        public readonly string $protocol = 'HTTP/1.0',
        public readonly string $method = 'GET',
        public readonly string $uri = 'http://localhost',
        public readonly array $headers = [],
        public readonly array $cookies = [],
        public readonly array $uploads = [],
        public readonly array $attributes = [],
        public readonly array $query = [],
        public readonly string $body = '',
        public readonly bool $parsed = false,
    ) {
    }

    /** The `ipAddress` attribute (set by the server's proxy-IP middleware) or the peer address. */
    public function getRemoteAddr(): string
    {
        return (string) ($this->attributes['ipAddress'] ?? $this->remoteAddr);
    }

    /**
     * The form data tree when the server parsed the body, else null.
     *
     * @throws \JsonException when the server sent a body that is not JSON
     */
    public function getParsedBody(): ?array
    {
        if (!$this->parsed) {
            return null;
        }
        $data = \json_decode($this->body, true, 512, \JSON_THROW_ON_ERROR);
        return \is_array($data) ? $data : [];
    }
}
