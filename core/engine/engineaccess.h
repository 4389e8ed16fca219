// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/engine.h>

#include <memory>

namespace Durable {

class EngineCore;
class RecordingTap;

// How the layers above the engine inside the library (agents, inspection) reach the internals
// behind a public Engine. Not in the public headers: agent packages and applications see only
// Engine's own API.
class EngineAccess
{
public:
    // The shared state behind stubs and the inspection API (null for a null engine).
    static std::shared_ptr<EngineCore> core(const Engine *engine)
    {
        return engine ? engine->m_core : nullptr;
    }
    // Where stubs and inbox handles find the running recording (null for a null engine).
    static std::shared_ptr<RecordingTap> recordingTap(const Engine *engine)
    {
        return engine ? engine->m_tap : nullptr;
    }
};

} // namespace Durable
