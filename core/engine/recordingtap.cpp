// SPDX-License-Identifier: MIT
#include "recordingtap.h"

#include <durable/core/operationrecorder.h>

#include <utility>

namespace Durable {

std::shared_ptr<OperationRecorder> RecordingTap::recorder() const
{
    if (!m_recording.load(std::memory_order_relaxed))
        return {};
    // A copy, so a recording stopped meanwhile stays alive until this operation is recorded.
    QMutexLocker lock(&m_mutex);
    return m_recorder;
}

bool RecordingTap::attach(std::shared_ptr<OperationRecorder> recorder)
{
    QMutexLocker lock(&m_mutex);
    if (m_recorder || !recorder)
        return false;
    m_recorder = std::move(recorder);
    m_recording.store(true, std::memory_order_relaxed);
    return true;
}

std::shared_ptr<OperationRecorder> RecordingTap::detach()
{
    QMutexLocker lock(&m_mutex);
    m_recording.store(false, std::memory_order_relaxed);
    return std::exchange(m_recorder, nullptr);
}

} // namespace Durable
