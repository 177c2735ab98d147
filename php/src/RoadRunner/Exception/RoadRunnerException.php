<?php

declare(strict_types=1);

namespace Spiral\RoadRunner\Exception;

class RoadRunnerException extends \RuntimeException
{
}
