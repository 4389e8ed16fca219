// SPDX-License-Identifier: MIT
#pragma once

#include <QMutex>

#include <atomic>
#include <memory>

namespace Durable {

class OperationRecorder;

// Where an engine's user-level operations (stub calls, human answers, faults, clock jumps) find
// the OperationRecorder that is recording them, if any. Shared by the Engine, the stubs it hands
// out and its HumanInbox handles.
//
// Any thread. With no recording, recorder() is one relaxed atomic load: the hot path pays
// nothing else.
class RecordingTap
{
public:
    std::shared_ptr<OperationRecorder> recorder() const;
    // False (and nothing changes) when a recorder is attached already.
    bool attach(std::shared_ptr<OperationRecorder> recorder);
    // Returns the recorder that was attached, if any.
    std::shared_ptr<OperationRecorder> detach();

private:
    std::atomic<bool> m_recording {false};
    mutable QMutex m_mutex;
    std::shared_ptr<OperationRecorder> m_recorder; // guarded by m_mutex
};

} // namespace Durable
