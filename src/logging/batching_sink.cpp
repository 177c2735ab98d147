#include "logging/batching_sink.h"

namespace rr::logging {

namespace {
thread_local BatchingSink::ThreadLoop* t_loop = nullptr;
}  // namespace

BatchingSink::ThreadLoop::ThreadLoop(Schedule schedule)
    : schedule_(std::move(schedule)), outer_(t_loop) {
    t_loop = this;
}

BatchingSink::ThreadLoop::~ThreadLoop() {
    write_pending();
    t_loop = outer_;
}

void BatchingSink::ThreadLoop::want_write(BatchingSink& sink) {
    // Called for every line: the pointer comparison costs no reference count.
    for (const auto& [raw, weak] : pending_) {
        if (raw == &sink) return;
    }
    if (pending_.empty()) {
        // `this` outlives the post: it runs on this thread's loop, inside its run().
        schedule_([this] { write_pending(); });
    }
    pending_.emplace_back(&sink, sink.weak_from_this());
}

void BatchingSink::ThreadLoop::write_pending() {
    auto sinks = std::move(pending_);
    pending_.clear();
    for (const auto& [raw, weak] : sinks) {
        if (auto sink = weak.lock()) {
            std::lock_guard lock(sink->mu_);
            sink->write_held_locked();
        }
    }
}

void BatchingSink::log(const spdlog::details::log_msg& msg) {
    std::unique_lock lock(mu_);
    if (!schedule_) {
        lock.unlock();
        out_->log(msg);
        return;
    }
    held_.append(msg.payload.data(), msg.payload.size());
    if (held_.size() >= kMaxHeld) {
        write_held_locked();
        return;
    }
    if (ThreadLoop* loop = t_loop) {
        lock.unlock();
        loop->want_write(*this);
        return;
    }
    if (scheduled_) return;
    scheduled_ = true;
    // The weak reference: the loop may outlive the logging (a handler still queued at exit).
    schedule_([weak = weak_from_this()] {
        if (auto self = weak.lock()) {
            std::lock_guard held(self->mu_);
            self->scheduled_ = false;
            self->write_held_locked();
        }
    });
}

void BatchingSink::flush() {
    {
        std::lock_guard lock(mu_);
        if (schedule_) return;
    }
    out_->flush();
}

void BatchingSink::set_schedule(Schedule schedule) {
    std::lock_guard lock(mu_);
    write_held_locked();
    schedule_ = std::move(schedule);
    scheduled_ = false;
}

void BatchingSink::drain() {
    {
        std::lock_guard lock(mu_);
        write_held_locked();
    }
    out_->flush();
}

void BatchingSink::write_held_locked() {
    if (held_.empty()) return;
    spdlog::details::log_msg msg;
    msg.payload = spdlog::string_view_t(held_.data(), held_.size());
    out_->log(msg);
    out_->flush();
    held_.clear();
    if (held_.capacity() > kMaxHeld) std::string().swap(held_);
}

}  // namespace rr::logging
