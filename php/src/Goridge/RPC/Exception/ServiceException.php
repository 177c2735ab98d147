<?php

declare(strict_types=1);

namespace Spiral\Goridge\RPC\Exception;

/** The remote method returned an error. */
class ServiceException extends RPCException
{
}
