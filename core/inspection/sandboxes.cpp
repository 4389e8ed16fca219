// SPDX-License-Identifier: MIT
#include <durable/core/sandboxes.h>

#include "engineaccess.h"
#include "enginecore.h"
#include "forksource.h"
#include "objecthost.h"
#include "querypool.h"
#include "strandcall.h"

#include <durable/core/engine.h>
#include <durable/core/engineoptions.h>
#include <durable/core/modelsources.h>
#include <durable/core/virtualclock.h>

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QLockFile>
#include <QRegularExpression>
#include <QSaveFile>

namespace Durable {

namespace {

Error badName(const QString &name)
{
    return Error(ErrorCode::InvalidArgument,
                 QStringLiteral("Invalid sandbox name \"%1\": use letters, digits, '_', '.' or "
                                "'-', starting with a letter or digit, at most 64 characters")
                     .arg(name));
}

bool validName(const QString &name)
{
    static const QRegularExpression valid(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"));
    return valid.match(name).hasMatch();
}

SandboxInfo fromJson(const QJsonObject &json, const QString &dataDir)
{
    SandboxInfo info;
    info.name = json.value(QStringLiteral("name")).toString();
    info.dataDir = dataDir;
    info.originDataDir = QDir::cleanPath(dataDir + QStringLiteral("/../.."));
    info.className = json.value(QStringLiteral("class")).toString();
    info.objectName = json.value(QStringLiteral("objectName")).toString();
    info.objectId = ObjectId::fromString(json.value(QStringLiteral("id")).toString()).valueOr({});
    info.forkSeq = json.value(QStringLiteral("forkSeq")).toInteger();
    info.startMs = json.value(QStringLiteral("startMs")).toInteger();
    info.clockMs = json.value(QStringLiteral("clockMs")).toInteger(info.startMs);
    info.createdMs = json.value(QStringLiteral("createdMs")).toInteger();
    return info;
}

// The engine a sandbox is written with: origin's options and classes, its own directory, a
// paused virtual clock at the forked turn's time, calls held.
std::unique_ptr<Engine> sandboxEngine(const EngineCore &origin, const SandboxInfo &info)
{
    EngineOptions options = origin.options();
    options.dataDir = info.dataDir;
    options.clock = nullptr;
    options.repairArguments.clear();
    options.createDataDir = true;
    options.holdObjectCalls = true; // as Sandboxes::prepare() does once the manifest exists
    options.modelSources = nullptr; // the copy makes no model call
    options.clock = std::make_shared<VirtualClock>(
        QDateTime::fromMSecsSinceEpoch(info.startMs, Qt::UTC));
    auto engine = std::make_unique<Engine>(options);
    const std::shared_ptr<EngineCore> core = EngineAccess::core(engine.get());
    for (const QString &name : origin.classNames()) {
        if (const std::shared_ptr<const ClassInfo> cls = origin.classInfo(name))
            core->registerClass(*cls).orThrow();
    }
    engine->start().orThrow();
    return engine;
}

// Writes the copy as the object's first turn in the sandbox and marks it as a fork there.
void writeCopy(Engine &sandbox, const SandboxInfo &info, const ForkSource &source)
{
    const std::shared_ptr<EngineCore> core = EngineAccess::core(&sandbox);
    StrandCall call;
    call.kind = StrandCall::Kind::Turn;
    call.owner = QStringLiteral("A sandbox");
    call.className = info.className;
    call.id = info.objectId;
    call.name = info.objectName;
    call.trigger = QStringLiteral("fork");
    const QJsonObject origin {{QStringLiteral("forkOf"), info.objectId.toString()},
                              {QStringLiteral("seq"), double(info.forkSeq)},
                              {QStringLiteral("sandbox"), info.name},
                              {QStringLiteral("originDataDir"), info.originDataDir}};
    QFuture<QJsonObject> written = runOnStrand<QJsonObject>(
        core, call, [source, origin](ObjectHost &host) { return source.write(host, origin); },
        [](const QJsonObject &output) { return QJsonValue(output); });
    written.waitForFinished(); // throws the turn's error
    core->catalog().flush().orThrow();
    core->catalog()
        .setFork(info.objectId.toString(), info.objectId.toString(), info.forkSeq)
        .orThrow();
}

} // namespace

QString SandboxInfo::label() const
{
    return QStringLiteral("%1: %2/%3 at turn %4")
        .arg(name, className, objectName.isEmpty() ? objectId.toString().left(16) : objectName)
        .arg(forkSeq);
}

QJsonObject SandboxInfo::toJson() const
{
    return {{QStringLiteral("name"), name},
            {QStringLiteral("dataDir"), dataDir},
            {QStringLiteral("originDataDir"), originDataDir},
            {QStringLiteral("class"), className},
            {QStringLiteral("objectName"), objectName},
            {QStringLiteral("id"), objectId.toString()},
            {QStringLiteral("forkSeq"), forkSeq},
            {QStringLiteral("startMs"), startMs},
            {QStringLiteral("clockMs"), clockMs},
            {QStringLiteral("createdMs"), createdMs}};
}

QString Sandboxes::directory(const QString &originDataDir)
{
    return QDir(originDataDir).absoluteFilePath(QStringLiteral("sandboxes"));
}

bool Sandboxes::isSandbox(const QString &dataDir)
{
    return QFileInfo::exists(QDir(dataDir).absoluteFilePath(manifestName()));
}

Result<SandboxInfo> Sandboxes::read(const QString &dataDir)
{
    const QString absolute = QDir(dataDir).absolutePath();
    QFile file(QDir(absolute).absoluteFilePath(manifestName()));
    if (!file.exists())
        return Error(ErrorCode::NotFound, QStringLiteral("%1 is not a sandbox").arg(absolute));
    if (!file.open(QIODevice::ReadOnly))
        return Error(
            ErrorCode::Io,
            QStringLiteral("Could not read %1: %2").arg(file.fileName(), file.errorString()));
    QJsonParseError parsed;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parsed);
    if (!document.isObject())
        return Error(ErrorCode::Corrupt, QStringLiteral("%1 is not a sandbox manifest: %2")
                                             .arg(file.fileName(), parsed.errorString()));
    return fromJson(document.object(), absolute);
}

Result<QList<SandboxInfo>> Sandboxes::list(const QString &originDataDir)
{
    QList<SandboxInfo> sandboxes;
    const QDir dir(directory(originDataDir));
    for (const QFileInfo &entry : dir.entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        Result<SandboxInfo> info = read(entry.absoluteFilePath());
        if (info)
            sandboxes.append(info.value());
    }
    std::sort(sandboxes.begin(), sandboxes.end(), [](const SandboxInfo &a, const SandboxInfo &b) {
        return a.createdMs != b.createdMs ? a.createdMs < b.createdMs : a.name < b.name;
    });
    return sandboxes;
}

Result<std::optional<SandboxInfo>> Sandboxes::prepare(EngineOptions &options)
{
    if (!isSandbox(options.dataDir))
        return std::optional<SandboxInfo>();
    Result<SandboxInfo> info = read(options.dataDir);
    if (!info)
        return info.error();
    options.holdObjectCalls = true;
    Result<std::shared_ptr<ModelSources>> sources = ModelSources::open(options.dataDir);
    if (!sources)
        return sources.error();
    options.modelSources = sources.value();
    if (!options.clock || !options.clock->isVirtual()) {
        auto clock = std::make_shared<VirtualClock>(
            QDateTime::fromMSecsSinceEpoch(std::max(info->startMs, info->clockMs), Qt::UTC));
        options.clock = clock;
    }
    return std::optional<SandboxInfo>(info.value());
}

Result<void> Sandboxes::writeManifest(const SandboxInfo &info)
{
    QSaveFile file(QDir(info.dataDir).absoluteFilePath(manifestName()));
    if (!file.open(QIODevice::WriteOnly))
        return Error(
            ErrorCode::Io,
            QStringLiteral("Could not write %1: %2").arg(file.fileName(), file.errorString()));
    QJsonObject json = info.toJson();
    json.remove(QStringLiteral("dataDir")); // where it is says that
    json.remove(QStringLiteral("originDataDir"));
    file.write(QJsonDocument(json).toJson());
    if (!file.commit())
        return Error(
            ErrorCode::Io,
            QStringLiteral("Could not write %1: %2").arg(file.fileName(), file.errorString()));
    return {};
}

Result<void> Sandboxes::saveClock(const QString &dataDir, qint64 clockMs)
{
    Result<SandboxInfo> info = read(dataDir);
    if (!info)
        return info.error();
    info->clockMs = clockMs;
    return writeManifest(info.value());
}

Result<void> Sandboxes::remove(const QString &originDataDir, const QString &name)
{
    if (!validName(name))
        return badName(name);
    const QString dataDir = QDir(directory(originDataDir)).absoluteFilePath(name);
    if (!isSandbox(dataDir))
        return Error(ErrorCode::NotFound, QStringLiteral("%1 has no sandbox named \"%2\"")
                                              .arg(QDir(originDataDir).absolutePath(), name));
    QLockFile lock(dataDir + QStringLiteral("/engine.lock"));
    lock.setStaleLockTime(0);
    if (!lock.tryLock(0))
        return Error(
            ErrorCode::Conflict,
            QStringLiteral("Sandbox \"%1\" is open in a program; close it first").arg(name));
    lock.unlock();
    if (!QDir(dataDir).removeRecursively())
        return Error(ErrorCode::Io, QStringLiteral("Could not delete %1").arg(dataDir));
    return {};
}

Result<std::unique_ptr<Engine>> Sandboxes::openOrigin(Engine *sandbox)
{
    const std::shared_ptr<EngineCore> core = EngineAccess::core(sandbox);
    if (!core)
        return Error(ErrorCode::InvalidArgument, QStringLiteral("No sandbox engine to compare"));
    const Result<SandboxInfo> info = read(core->dataDir());
    if (!info)
        return info.error();
    EngineOptions options;
    options.dataDir = info->originDataDir;
    options.createDataDir = false;
    options.workerThreads = 1;
    options.holdObjectCalls = true;
    options.clock = std::make_shared<VirtualClock>(QDateTime::fromMSecsSinceEpoch(0, Qt::UTC));
    auto origin = std::make_unique<Engine>(options);
    const std::shared_ptr<EngineCore> originCore = EngineAccess::core(origin.get());
    for (const QString &name : core->classNames()) {
        if (const std::shared_ptr<const ClassInfo> cls = core->classInfo(name)) {
            if (Result<void> registered = originCore->registerClass(*cls); !registered)
                return registered.error();
        }
    }
    if (Result<void> started = origin->start(); !started) {
        return started.error().prefixed(
            QStringLiteral("Could not open the original, %1").arg(info->originDataDir));
    }
    return origin;
}

QFuture<SandboxInfo> Sandboxes::create(Engine *origin, const QString &className, const ObjectId &id,
                                       qint64 seq, const QString &name)
{
    return create(EngineAccess::core(origin), className, id, seq, name);
}

QFuture<SandboxInfo> Sandboxes::create(const std::shared_ptr<EngineCore> &core,
                                       const QString &className, const ObjectId &id, qint64 seq,
                                       const QString &name)
{
    if (!core || !core->isRunning())
        return failedFuture<SandboxInfo>(
            Error(ErrorCode::InvalidArgument, QStringLiteral("A sandbox needs a running engine")));
    if (!validName(name))
        return failedFuture<SandboxInfo>(badName(name));
    SandboxInfo info;
    info.name = name;
    info.originDataDir = QDir(core->dataDir()).absolutePath();
    info.dataDir = QDir(directory(info.originDataDir)).absoluteFilePath(name);
    info.className = className;
    info.objectId = id;
    if (QFileInfo::exists(info.dataDir))
        return failedFuture<SandboxInfo>(
            Error(ErrorCode::Conflict,
                  QStringLiteral("A sandbox named \"%1\" exists already").arg(name)));
    // Read in one inspection turn of the origin, which writes nothing there.
    QFuture<ForkSource> source = readOnStrand<ForkSource>(
        core, QStringLiteral("A sandbox"), className, id, [seq](ObjectHost &host) {
            return ForkSource::read(host, seq, ForkSource::Recordings::Read);
        });
    return source.then(queryPool(), [core, info](const ForkSource &read) mutable {
        info.objectName = read.objectName;
        info.forkSeq = read.seq;
        info.startMs = read.atMs;
        info.clockMs = read.atMs;
        info.createdMs = QDateTime::currentMSecsSinceEpoch();
        if (!QDir().mkpath(info.dataDir))
            throw Error(ErrorCode::Io,
                        QStringLiteral("Could not create the directory %1").arg(info.dataDir));
        try {
            std::unique_ptr<Engine> sandbox = sandboxEngine(*core, info);
            writeCopy(*sandbox, info, read);
            sandbox->shutdown();
            ModelSources::open(info.dataDir).orThrow()->setRecorded(read.recorded).orThrow();
            writeManifest(info).orThrow(); // last: a directory with it is a complete sandbox
        } catch (...) {
            QDir(info.dataDir).removeRecursively();
            throw;
        }
        return info;
    });
}

} // namespace Durable
