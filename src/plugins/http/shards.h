#pragma once
// `http.io_threads` > 1 (docs/scaling.md): the worker pool is split into one shard per event
// loop. A loop runs its requests on its own shard; when that shard has no idle worker and
// another one has, the job runs on the other shard (PoolHandler::run_elsewhere): started there
// with one post, its frames handed back with one post each (RemoteStream).
//
// Thread safety: ShardSet is immutable once built (read from every loop); idle counts are the
// pools' atomic hints. A RemoteStream is used on the requesting loop; its ResponseStream lives
// and dies on the shard's loop.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "pool/pool.h"
#include "transport/types.h"

namespace rr::plugins {

struct PoolShard {
    std::shared_ptr<pool::Pool> pool;
    transport::Executor ex;  ///< the shard's loop (the pool's executor)
};

class ShardSet {
public:
    explicit ShardSet(std::vector<PoolShard> shards) : shards_(std::move(shards)) {}

    /// The shard other than `self` with the most idle workers (ties: the next after `self`
    /// first), or null when no other shard has an idle worker right now.
    const PoolShard* pick_other(std::size_t self) const noexcept;

    const std::vector<PoolShard>& shards() const noexcept { return shards_; }

private:
    std::vector<PoolShard> shards_;
};

/// A job running on another shard. Written on the shard's loop, read by the requesting loop
/// after the hop back (the post orders the accesses).
struct RemoteJob {
    std::optional<Result<pool::ResponseStream>> stream;
    std::optional<Result<pool::Response>> frame;  ///< the last next()'s result
    std::string worker_error;
    boost::system::error_code cause;
    bool finished = false;
};

/// The requesting loop's side of a stream started on another shard: the interface of
/// pool::ResponseStream (what PoolHandler::relay uses), each call one round trip to the shard.
class RemoteStream {
public:
    /// Takes the only reference to `job` outside the shard's loop (its stream was set there).
    RemoteStream(transport::Executor ex, std::shared_ptr<RemoteJob> job);
    /// Hands the job to the shard's loop, where an unfinished stream is stopped and drained.
    ~RemoteStream();
    RemoteStream(const RemoteStream&) = delete;
    RemoteStream& operator=(const RemoteStream&) = delete;

    bool finished() const noexcept { return finished_; }
    transport::Awaitable<Result<pool::Response>> next();
    transport::Awaitable<void> stop();
    const std::string& worker_error() const noexcept { return worker_error_; }

private:
    transport::Executor ex_;
    std::shared_ptr<RemoteJob> job_;
    bool finished_ = false;
    std::string worker_error_;
};

}  // namespace rr::plugins
