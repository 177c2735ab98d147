<?php

declare(strict_types=1);

namespace Spiral\RoadRunner;

interface EnvironmentInterface
{
    /** `RR_MODE` (see {@see Environment\Mode}), or '' when unset. */
    public function getMode(): string;

    /** `RR_RELAY`, or 'pipes' when unset. */
    public function getRelayAddress(): string;

    /** `RR_RPC`, or 'tcp://127.0.0.1:6001' when unset. */
    public function getRPCAddress(): string;
}
