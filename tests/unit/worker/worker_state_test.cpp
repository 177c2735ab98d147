// The worker state machine: upstream numbering and names, and the transition table.

#include "worker/worker_state.h"

#include <gtest/gtest.h>

namespace rr::worker {
namespace {

using S = WorkerState;

TEST(WorkerState, NumbersAndNamesMatchUpstreamInformer) {
    EXPECT_EQ(static_cast<int>(S::kInactive), 0);
    EXPECT_EQ(static_cast<int>(S::kReady), 1);
    EXPECT_EQ(static_cast<int>(S::kWorking), 2);
    EXPECT_EQ(static_cast<int>(S::kDestroyed), 6);
    EXPECT_EQ(static_cast<int>(S::kMaxMemoryReached), 11);
    EXPECT_EQ(static_cast<int>(S::kExecTtlReached), 12);
    EXPECT_EQ(to_string(S::kReady), "ready");
    EXPECT_EQ(to_string(S::kMaxJobsReached), "maxJobsReached");
    EXPECT_EQ(to_string(S::kIdleTtlReached), "idleTTLReached");
    EXPECT_EQ(to_string(S::kExecTtlReached), "undefined");  // upstream's table lacks it
}

TEST(WorkerState, NormalLifecycleIsAllowed) {
    WorkerStateMachine m;
    EXPECT_EQ(m.state(), S::kInactive);
    EXPECT_TRUE(m.transition(S::kReady));
    EXPECT_TRUE(m.transition(S::kWorking));
    EXPECT_TRUE(m.transition(S::kReady));
    EXPECT_TRUE(m.transition(S::kWorking));
    EXPECT_TRUE(m.transition(S::kMaxJobsReached));
    EXPECT_TRUE(m.transition(S::kStopping));
    EXPECT_TRUE(m.transition(S::kStopped));
    EXPECT_TRUE(m.transition(S::kDestroyed));
}

TEST(WorkerState, IllegalMovesAreRefusedAndLeaveTheStateAlone) {
    WorkerStateMachine m;
    EXPECT_FALSE(m.transition(S::kWorking));  // no job before the handshake
    EXPECT_EQ(m.state(), S::kInactive);
    ASSERT_TRUE(m.transition(S::kReady));
    EXPECT_FALSE(m.transition(S::kExecTtlReached));  // exec_ttl needs a running job
    EXPECT_FALSE(m.transition(S::kMaxJobsReached));
    EXPECT_FALSE(m.transition(S::kReady));  // self-move
    ASSERT_TRUE(m.transition(S::kDestroyed));
    EXPECT_FALSE(m.transition(S::kReady));
    EXPECT_FALSE(m.transition(S::kStopped));
}

TEST(WorkerState, BusyWorkersGetSoftMarksIdleOnesGetRetireStates) {
    EXPECT_TRUE(can_transition(S::kWorking, S::kInvalid));
    EXPECT_FALSE(can_transition(S::kWorking, S::kTtlReached));
    EXPECT_FALSE(can_transition(S::kWorking, S::kMaxMemoryReached));
    EXPECT_TRUE(can_transition(S::kReady, S::kTtlReached));
    EXPECT_TRUE(can_transition(S::kReady, S::kIdleTtlReached));
    EXPECT_TRUE(can_transition(S::kReady, S::kMaxMemoryReached));
    EXPECT_FALSE(can_transition(S::kInvalid, S::kReady));  // a retired worker never comes back
}

TEST(WorkerState, EveryLiveStateCanExitOrBeDestroyed) {
    for (int i = 0; i <= 12; ++i) {
        auto s = static_cast<S>(i);
        if (s == S::kStopped || s == S::kDestroyed) {
            continue;
        }
        EXPECT_TRUE(can_transition(s, S::kStopped)) << to_string(s);
        EXPECT_TRUE(can_transition(s, S::kDestroyed)) << to_string(s);
    }
}

TEST(WorkerState, RetireStatesAreExactlyTheReplaceOnReleaseOnes) {
    EXPECT_TRUE(is_retire_state(S::kInvalid));
    EXPECT_TRUE(is_retire_state(S::kErrored));
    EXPECT_TRUE(is_retire_state(S::kExecTtlReached));
    EXPECT_FALSE(is_retire_state(S::kReady));
    EXPECT_FALSE(is_retire_state(S::kWorking));
    EXPECT_FALSE(is_retire_state(S::kStopped));
}

}  // namespace
}  // namespace rr::worker
