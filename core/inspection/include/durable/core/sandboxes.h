// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/objectid.h>
#include <durable/core/result.h>

#include <QFuture>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>

#include <memory>
#include <optional>

namespace Durable {

class Engine;
class EngineCore;
class Inspector;
struct EngineOptions;

// A sandbox: one object forked at one of its turns into a data directory of its own, under the
// origin's (<data>/sandboxes/<name>), to run forward in isolation and compare with what really
// happened.
struct SandboxInfo
{
    QString name;    // unique under the origin's directory
    QString dataDir; // <originDataDir>/sandboxes/<name>
    QString originDataDir;
    QString className; // the object copied, which keeps its class and name in the sandbox
    QString objectName;
    ObjectId objectId;
    qint64 forkSeq = 0;   // the origin's turn the copy starts from
    qint64 startMs = 0;   // when that turn ran: the sandbox's virtual clock starts there
    qint64 clockMs = 0;   // where the sandbox's clock stood when it was last closed
    qint64 createdMs = 0; // wall time

    QString label() const; // "try-reject: Recruitment/alan at turn 5"
    QJsonObject toJson() const;
};

// Makes, finds, opens and deletes sandboxes. A sandbox's directory is a data directory like any
// other (durable run|serve|inspect and the studio open it) plus a manifest, sandbox.json, that
// makes whoever opens it:
// - run it on a paused virtual clock, from where it was left (at first, the forked turn's time);
// - hold every call its agents make to other objects (EngineOptions::holdObjectCalls): they stay
//   pending and are shown, and never reach an object, real or in the sandbox;
// - answer its model calls per call from its model-sources.json (EngineOptions::modelSources):
//   the reply the original got (recorded, made with the sandbox), the live model, or an edited
//   reply.
// The origin's objects, alarms and inbox are never written: the copy is read in one inspection
// turn, which leaves the origin's files as they were.
//
// Thread-safe; the future-returning calls never block the caller.
class Sandboxes
{
public:
    static QString manifestName() { return QStringLiteral("sandbox.json"); }
    // <originDataDir>/sandboxes
    static QString directory(const QString &originDataDir);

    // Copies className/id as of turn seq of origin (a running engine) into a new sandbox named
    // name: its directory, an engine with origin's classes and options, the copy written as the
    // object's first turn there (trigger "fork"), then the manifest. Fails, leaving nothing
    // behind, on a bad or taken name, an unknown object or turn.
    static QFuture<SandboxInfo> create(Engine *origin, const QString &className, const ObjectId &id,
                                       qint64 seq, const QString &name);
    // The sandboxes under originDataDir, oldest first (none when it has no sandboxes directory).
    static Result<QList<SandboxInfo>> list(const QString &originDataDir);
    // The manifest of the sandbox at dataDir; NotFound when dataDir is not a sandbox.
    static Result<SandboxInfo> read(const QString &dataDir);
    static bool isSandbox(const QString &dataDir);
    // For a program opening dataDir: when it is a sandbox, holds its calls, gives it its model
    // sources and a paused virtual clock at the manifest's time (unless options already has a
    // virtual clock). Returns the manifest, or nullopt for an ordinary data directory. The
    // copy's calls that were out when it was made wait for ModelCallDirectory::sendWaiting.
    static Result<std::optional<SandboxInfo>> prepare(EngineOptions &options);
    // Remembers where the sandbox's clock stands, for the next time it opens.
    static Result<void> saveClock(const QString &dataDir, qint64 clockMs);
    // Deletes the sandbox's directory. Fails while an engine has it open.
    static Result<void> remove(const QString &originDataDir, const QString &name);
    // The original data directory of the sandbox sandbox runs, opened to be read beside it (to
    // compare the copy with the original): the sandbox's classes, a clock frozen at the epoch
    // so nothing comes due, calls held, one worker. Reading writes nothing there. Fails while a
    // program has the original open, or when sandbox's directory is no sandbox.
    static Result<std::unique_ptr<Engine>> openOrigin(Engine *sandbox);

private:
    friend class Inspector;
    static QFuture<SandboxInfo> create(const std::shared_ptr<EngineCore> &core,
                                       const QString &className, const ObjectId &id, qint64 seq,
                                       const QString &name);
    static Result<void> writeManifest(const SandboxInfo &info);
};

} // namespace Durable

Q_DECLARE_METATYPE(Durable::SandboxInfo)
