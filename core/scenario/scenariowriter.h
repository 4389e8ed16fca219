// SPDX-License-Identifier: MIT
#pragma once

#include "recordedstep.h"

#include <durable/core/result.h>

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QPair>

#include <vector>

namespace Durable {

class Engine;
class Inspector;

// Turns what a ScenarioRecorder saw into the scenario format `durable test` reads: resolves
// objects addressed by id to their class and name, leaves out what a replay cannot reproduce
// (operations refused for reasons of the moment, random ids, times when time flowed), and ends
// with assertions on the final state of every object the session touched, read from the
// engine.
//
// Blocks while it reads the engine: run it on a thread of its own, never the GUI thread.
class ScenarioWriter
{
public:
    struct Recording
    {
        QString name;
        qint64 startMs = 0;
        bool timeFlowed = false;
        std::vector<RecordedStep> steps;
    };

    ScenarioWriter(Engine *engine, const Inspector *inspector);

    Result<QByteArray> write(Recording recording);

private:
    // One step as written: its fields in the order people read them.
    using Line = QList<QPair<QString, QJsonValue>>;
    struct Target
    {
        QString className;
        QString name;
        ObjectId id;
    };

    void resolveTargets(std::vector<RecordedStep> &steps);
    std::optional<Line> lineFor(const RecordedStep &step) const;
    void addObject(Line &line, const RecordedStep &step) const;
    void addExpectation(Line &line, const Result<QJsonValue> &outcome) const;
    void waitForAgents() const;
    QList<Line> finalAssertions() const;
    QList<Line> assertionsFor(const Target &target) const;
    static QByteArray render(const Recording &recording, const QList<Line> &lines,
                             const QString &description);

    Engine *m_engine;
    const Inspector *m_inspector;
    bool m_timeFlowed = false;
    QList<Target> m_touched; // in the order the session first touched them
};

} // namespace Durable
