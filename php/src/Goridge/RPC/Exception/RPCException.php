<?php

declare(strict_types=1);

namespace Spiral\Goridge\RPC\Exception;

use Spiral\Goridge\Exception\GoridgeException;

class RPCException extends GoridgeException
{
}
