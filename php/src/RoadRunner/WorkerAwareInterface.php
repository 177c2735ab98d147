<?php

declare(strict_types=1);

namespace Spiral\RoadRunner;

interface WorkerAwareInterface
{
    public function getWorker(): WorkerInterface;
}
