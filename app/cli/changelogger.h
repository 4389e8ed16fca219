// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/inspectiontypes.h>

#include <QObject>

namespace Durable {
class Inspector;
}

namespace Durable::Cli {

// Writes the engine's change feed to stderr for `durable run` and `durable serve`: completed
// and failed turns, alarm retries and give-ups, quarantines and human requests; as text lines
// or, with json, one JSON object per line. Lives on the inspector's thread.
class ChangeLogger : public QObject
{
    Q_OBJECT
public:
    enum class Level {
        Quiet,   // failures only (failed turns, alarm retries and give-ups, quarantines)
        Normal,  // ... and every completed turn and human request
        Verbose, // every event of the feed
    };
    ChangeLogger(Inspector *inspector, Level level, bool json, QObject *parent = nullptr);

private:
    void log(const QList<Durable::ChangeEvent> &batch);

    Level m_level;
    bool m_json;
};

} // namespace Durable::Cli
