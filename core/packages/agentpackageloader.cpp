// SPDX-License-Identifier: MIT
#include <durable/core/agentpackageloader.h>

#include <durable/core/agent.h>
#include <durable/core/agentdirectory.h>
#include <durable/core/agentpackage.h>
#include <durable/core/engine.h>
#include <durable/core/sdkversion.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QLibrary>
#include <QLoggingCategory>
#include <QPluginLoader>
#include <QSet>
#include <QTemporaryDir>
#include <durable/core/jsagentfile.h>

namespace Durable {

namespace {

// Debug only: every outcome is in the reports, which the programs show as they see fit.
Q_LOGGING_CATEGORY(lcPackages, "durable.core.packages", QtInfoMsg)

struct SdkVersion
{
    int major = -1;
    int minor = -1;
};

std::optional<SdkVersion> parseVersion(const QString &text)
{
    const QStringList parts = text.split(QLatin1Char('.'));
    if (parts.size() != 2)
        return std::nullopt;
    bool majorOk = false;
    bool minorOk = false;
    const SdkVersion version {parts.at(0).toInt(&majorOk), parts.at(1).toInt(&minorOk)};
    if (!majorOk || !minorOk || version.major < 0 || version.minor < 0)
        return std::nullopt;
    return version;
}

Error refused(ErrorCode code, const QString &message, const QString &file)
{
    return Error(code, message, {{QStringLiteral("file"), file}});
}

QString packageLabel(const AgentPackageReport &report)
{
    return QStringLiteral("package %1 (%2)").arg(report.name, report.file);
}

} // namespace

AgentPackageLoader::AgentPackageLoader() = default;
AgentPackageLoader::~AgentPackageLoader() = default;

QString AgentPackageLoader::sdkVersion()
{
    return QStringLiteral(DURABLE_SDK_VERSION_STR);
}

bool AgentPackageLoader::isCompatible(const QString &packageVersion)
{
    const std::optional<SdkVersion> package = parseVersion(packageVersion);
    if (!package)
        return false;
    // Before 1.0 every minor release may change the interface or the classes it exposes.
    if (DURABLE_SDK_VERSION_MAJOR == 0)
        return package->major == 0 && package->minor == DURABLE_SDK_VERSION_MINOR;
    return package->major == DURABLE_SDK_VERSION_MAJOR &&
           package->minor <= DURABLE_SDK_VERSION_MINOR;
}

QList<AgentPackageReport> AgentPackageLoader::load(const QString &path)
{
    // A path that is neither a directory nor named like a library is meant as a directory
    // (--agents DIR), and is reported as one if it does not exist.
    if (QFileInfo(path).isDir() || !isPackageFile(path))
        return loadDirectory(path);
    return {loadFile(path)};
}

QList<AgentPackageReport> AgentPackageLoader::loadDirectory(const QString &directory)
{
    const QFileInfo info(directory);
    AgentPackageReport failure;
    failure.file = info.absoluteFilePath();
    if (!info.exists()) {
        failure.error = refused(
            ErrorCode::NotFound,
            QStringLiteral("Agent package directory %1 does not exist").arg(failure.file),
            failure.file);
        return {failure};
    }
    if (!info.isDir() || !info.isReadable()) {
        failure.error = refused(
            ErrorCode::Io,
            QStringLiteral("Agent package directory %1 is not a readable directory")
                .arg(failure.file),
            failure.file);
        return {failure};
    }
    QList<AgentPackageReport> reports;
    QSet<QString> seen;
    const QFileInfoList entries = QDir(failure.file).entryInfoList(QDir::Files, QDir::Name);
    for (const QFileInfo &entry : entries) {
        // Version links (libx.so.1 -> libx.so.1.0) would load the same library twice.
        if (!isPackageFile(entry.fileName()) || seen.contains(entry.canonicalFilePath()))
            continue;
        seen.insert(entry.canonicalFilePath());
        reports.append(loadFile(entry.absoluteFilePath()));
    }
    return reports;
}

bool AgentPackageLoader::isPackageFile(const QString &path)
{
    return QLibrary::isLibrary(path) || path.endsWith(QLatin1String(".js"));
}

AgentPackageReport AgentPackageLoader::loadFile(const QString &file)
{
    const QFileInfo info(file);
    if (const qsizetype loaded = indexOf(file); loaded >= 0)
        return m_packages.at(loaded).report;
    LoadedPackage candidate = open(info.absoluteFilePath(), info.absoluteFilePath());
    if (!candidate.report.error)
        candidate.report.error = checkClasses(candidate);
    if (candidate.report.error) {
        qCDebug(lcPackages).noquote() << candidate.report.error->message();
        return candidate.report;
    }
    qCDebug(lcPackages).noquote() << "loaded" << candidate.report.summary();
    m_packages.append(candidate);
    return candidate.report;
}

AgentPackageLoader::LoadedPackage AgentPackageLoader::open(const QString &file,
                                                           const QString &loadFrom) const
{
    LoadedPackage candidate;
    AgentPackageReport &report = candidate.report;
    report.file = file;
    if (!QFileInfo(file).isFile()) {
        report.error = refused(ErrorCode::NotFound,
                               QStringLiteral("Agent package %1 does not exist").arg(file), file);
        return candidate;
    }
    if (file.endsWith(QLatin1String(".js")))
        return openScript(file);
    const Result<QString> version = readSdkVersion(file);
    if (!version) {
        report.sdkVersion =
            version.error().context().value(QStringLiteral("sdkVersion")).toString();
        report.error = version.error();
        return candidate;
    }
    report.sdkVersion = version.value();

    // Only now does any code of the library run (its static initialisers, then the root object).
    QPluginLoader plugin(loadFrom);
    QObject *root = plugin.instance();
    if (!root) {
        report.error = refused(
            ErrorCode::Io,
            QStringLiteral("Could not load agent package %1: %2").arg(file, plugin.errorString()),
            file);
        return candidate;
    }
    candidate.package = qobject_cast<AgentPackage *>(root);
    if (!candidate.package) {
        report.error = refused(
            ErrorCode::InvalidArgument,
            QStringLiteral("%1 declares the Durable agent package IID, but its plugin class %2 "
                           "does not implement Durable::AgentPackage; add "
                           "Q_INTERFACES(Durable::AgentPackage) to it")
                .arg(file, QString::fromLatin1(root->metaObject()->className())),
            file);
        return candidate;
    }
    report.name = candidate.package->name().isEmpty() ? QFileInfo(file).completeBaseName()
                                                      : candidate.package->name();
    report.description = candidate.package->description();
    candidate.classes = candidate.package->classes();
    for (ClassRegistration &registration : candidate.classes) {
        if (registration.options.source.isEmpty())
            registration.options.source = QFileInfo(file).absoluteFilePath();
        report.classes.append(registration.name);
    }
    return candidate;
}

// A JavaScript agent file: checked in an engine of its own, its classes built on the workers'
// JavaScript engines. No library is loaded, so a reload needs no copy: a changed file is a new
// version of the module (JsAgentFile::version()).
AgentPackageLoader::LoadedPackage AgentPackageLoader::openScript(const QString &file) const
{
    LoadedPackage candidate;
    AgentPackageReport &report = candidate.report;
    report.file = file;
    report.sdkVersion = sdkVersion();
    report.name = QFileInfo(file).completeBaseName();
    const Result<JsAgentFile> script = JsAgentFile::load(file);
    if (!script) {
        report.error = script.error().prefixed(
            QStringLiteral("JavaScript agent file %1").arg(file));
        return candidate;
    }
    report.description = QStringLiteral("JavaScript agents");
    for (const JsAgentFile::Registration &registration : script->registrations()) {
        candidate.classes.append({registration.name, registration.factory, registration.options});
        report.classes.append(registration.name);
    }
    return candidate;
}

qsizetype AgentPackageLoader::indexOf(const QString &file) const
{
    const QString canonical = QFileInfo(file).canonicalFilePath();
    const QString absolute = QFileInfo(file).absoluteFilePath();
    for (qsizetype i = 0; i < m_packages.size(); ++i) {
        const QString loaded = m_packages.at(i).report.file;
        // A rebuilt file may be missing for a moment: its path still names the package.
        if (loaded == absolute ||
            (!canonical.isEmpty() && QFileInfo(loaded).canonicalFilePath() == canonical))
            return i;
    }
    return -1;
}

Result<QString> AgentPackageLoader::readSdkVersion(const QString &file)
{
    // Reading the metadata scans the file; it does not load the library.
    QPluginLoader plugin(file);
    const QJsonObject metadata = plugin.metaData();
    if (metadata.isEmpty()) {
        if (!QFileInfo(file).isReadable())
            return refused(ErrorCode::Io,
                           QStringLiteral("Agent package %1 cannot be read").arg(file), file);
        return refused(
            ErrorCode::InvalidArgument,
            QStringLiteral("%1 is not a Durable agent package: it is not a Qt plugin (it has no "
                           "plugin metadata)")
                .arg(file),
            file);
    }
    const QString iid = metadata.value(QStringLiteral("IID")).toString();
    const QString prefix = QStringLiteral(DURABLE_AGENT_PACKAGE_IID_PREFIX);
    if (!iid.startsWith(prefix)) {
        return refused(
            ErrorCode::InvalidArgument,
            QStringLiteral("%1 is a Qt plugin but not a Durable agent package: its IID is \"%2\", "
                           "not \"%3<version>\"")
                .arg(file, iid, prefix),
            file);
    }
    const QString version = iid.mid(prefix.size());
    if (!isCompatible(version)) {
        return refused(ErrorCode::InvalidArgument,
                       QStringLiteral(
                           "%1 was built against Durable SDK %2 but this program provides SDK %3; "
                           "rebuild it against %3")
                           .arg(file, version, sdkVersion()),
                       file)
            .withContext(QStringLiteral("sdkVersion"), version); // for the report
    }
    return version;
}

std::optional<Error> AgentPackageLoader::checkClasses(const LoadedPackage &candidate,
                                                      qsizetype replacing) const
{
    const AgentPackageReport &report = candidate.report;
    if (candidate.classes.isEmpty()) {
        return refused(ErrorCode::InvalidArgument,
                       QStringLiteral("The %1 provides no classes").arg(packageLabel(report)),
                       report.file);
    }
    QSet<QString> names;
    for (const ClassRegistration &registration : candidate.classes) {
        if (registration.name.isEmpty() || !registration.factory) {
            return refused(ErrorCode::InvalidArgument,
                           QStringLiteral("The %1 provides a class without a name or factory; use "
                                          "ClassRegistration::of<T>(name)")
                               .arg(packageLabel(report)),
                           report.file);
        }
        if (names.contains(registration.name)) {
            return refused(ErrorCode::Conflict,
                           QStringLiteral("The %1 provides class %2 twice")
                               .arg(packageLabel(report), registration.name),
                           report.file);
        }
        names.insert(registration.name);
        for (qsizetype i = 0; i < m_packages.size(); ++i) {
            const LoadedPackage &loaded = m_packages.at(i);
            if (i != replacing && loaded.report.classes.contains(registration.name)) {
                return refused(
                    ErrorCode::Conflict,
                    QStringLiteral("Class %1 of %2 is already provided by %3; rename one of them")
                        .arg(registration.name, packageLabel(report), packageLabel(loaded.report)),
                    report.file);
            }
        }
    }
    if (replacing < 0)
        return std::nullopt;
    // Engines cannot drop a class: its objects would be left without code.
    for (const QString &name : m_packages.at(replacing).report.classes) {
        if (!names.contains(name)) {
            return refused(ErrorCode::Conflict,
                           QStringLiteral("The new version of %1 no longer provides class %2; a "
                                          "reload cannot remove a class (restart the program "
                                          "without it)")
                               .arg(packageLabel(report), name),
                           report.file);
        }
    }
    return std::nullopt;
}

QList<AgentPackageReport> AgentPackageLoader::packages() const
{
    QList<AgentPackageReport> reports;
    for (const LoadedPackage &loaded : m_packages)
        reports.append(loaded.report);
    return reports;
}

QList<AgentPackageReport> AgentPackageLoader::registerClasses(Engine &engine)
{
    m_engines.removeIf([](const Registered &r) { return r.engine.isNull(); });
    auto registered = std::find_if(m_engines.begin(), m_engines.end(),
                                   [&engine](const Registered &r) { return r.engine == &engine; });
    if (registered == m_engines.end())
        registered = m_engines.insert(m_engines.end(), Registered {&engine, {}});
    QList<AgentPackageReport> reports;
    for (const LoadedPackage &loaded : m_packages) {
        AgentPackageReport report = loaded.report;
        report.classes.clear();
        const QStringList taken = engine.classNames();
        for (const ClassRegistration &registration : loaded.classes) {
            if (taken.contains(registration.name)) {
                report.error = refused(
                    ErrorCode::Conflict,
                    QStringLiteral("Class %1 of %2 is already registered in this engine "
                                   "(by the program or another package); rename it")
                        .arg(registration.name, packageLabel(report)),
                    report.file);
                break;
            }
        }
        for (qsizetype i = 0; !report.error && i < loaded.classes.size(); ++i) {
            const ClassRegistration &registration = loaded.classes.at(i);
            const Result<void> registered = engine.registerClass(
                registration.name, registration.factory, registration.options);
            if (!registered) {
                report.error = registered.error().prefixed(
                    QStringLiteral("Could not register class %1 of %2")
                        .arg(registration.name, packageLabel(report)));
                break;
            }
            report.classes.append(registration.name);
        }
        if (report.ok())
            registered->files.append(report.file);
        reports.append(report);
    }
    return reports;
}

QStringList AgentPackageLoader::files() const
{
    QStringList result;
    for (const LoadedPackage &loaded : m_packages)
        result.append(loaded.report.file);
    return result;
}

QList<Engine *> AgentPackageLoader::enginesOf(const QString &file) const
{
    QList<Engine *> alive;
    for (const Registered &registered : m_engines) {
        if (registered.engine && registered.files.contains(file))
            alive.append(registered.engine.data());
    }
    return alive;
}

std::optional<Error> AgentPackageLoader::checkAddedClasses(const LoadedPackage &candidate,
                                                           const LoadedPackage &current) const
{
    for (const QString &name : candidate.report.classes) {
        if (current.report.classes.contains(name))
            continue;
        for (Engine *engine : enginesOf(current.report.file)) {
            if (engine->classNames().contains(name)) {
                return refused(ErrorCode::Conflict,
                               QStringLiteral("Class %1, new in %2, is already registered in an "
                                              "engine (by the program); rename it")
                                   .arg(name, packageLabel(candidate.report)),
                               candidate.report.file);
            }
        }
    }
    return std::nullopt;
}

Result<QString> AgentPackageLoader::copyForReload(const QString &file)
{
    if (!m_copies) {
        m_copies = std::make_unique<QTemporaryDir>(QDir::tempPath() +
                                                   QStringLiteral("/durable-reload-XXXXXX"));
    }
    if (!m_copies->isValid()) {
        return refused(ErrorCode::Io,
                       QStringLiteral("Could not make a temporary directory to reload %1 from: %2")
                           .arg(file, m_copies->errorString()),
                       file);
    }
    // A new name every time: the dynamic linker and Qt's plugin cache know libraries by path.
    const QString copy = m_copies->filePath(
        QStringLiteral("%1-%2").arg(++m_copiesMade).arg(QFileInfo(file).fileName()));
    if (!QFile::copy(file, copy)) {
        return refused(ErrorCode::Io,
                       QStringLiteral("Could not copy %1 to %2 to reload it").arg(file, copy),
                       file);
    }
    return copy;
}

QFuture<AgentPackageReport> AgentPackageLoader::reload(const QString &file)
{
    const qsizetype index = indexOf(file);
    if (index < 0) {
        AgentPackageReport report;
        report.file = QFileInfo(file).absoluteFilePath();
        report.error = refused(ErrorCode::NotFound,
                               QStringLiteral("Agent package %1 was not loaded, so it cannot be "
                                              "reloaded; load it first (--agents)")
                                   .arg(report.file),
                               report.file);
        return QtFuture::makeReadyFuture(report);
    }
    const QString path = m_packages.at(index).report.file;
    if (const auto running = m_reloading.constFind(path); running != m_reloading.cend())
        return *running;

    auto promise = std::make_shared<QPromise<AgentPackageReport>>();
    promise->start();
    const QFuture<AgentPackageReport> future = promise->future();
    LoadedPackage candidate;
    if (path.endsWith(QLatin1String(".js"))) {
        candidate = openScript(path);
        if (!candidate.report.error)
            candidate.report.error = checkClasses(candidate, index);
        if (!candidate.report.error)
            candidate.report.error = checkAddedClasses(candidate, m_packages.at(index));
    } else if (const Result<QString> copy = copyForReload(path); !copy) {
        candidate.report.file = path;
        candidate.report.error = copy.error();
    } else {
        candidate = open(path, copy.value());
        QFile::remove(copy.value()); // the loaded library stays mapped
        if (!candidate.report.error)
            candidate.report.error = checkClasses(candidate, index);
        if (!candidate.report.error)
            candidate.report.error = checkAddedClasses(candidate, m_packages.at(index));
    }
    if (candidate.report.error) {
        finishReload(index, candidate, {}, promise);
        return future;
    }
    m_reloading.insert(path, future);
    QList<QFuture<QString>> checks = checkContinuations(candidate);
    QtFuture::whenAll(checks.begin(), checks.end())
        .then(&m_context, [this, index, candidate, promise](const QList<QFuture<QString>> &done) {
            QStringList problems;
            for (const QFuture<QString> &check : done) {
                try {
                    if (const QString problem = check.result(); !problem.isEmpty())
                        problems.append(problem);
                } catch (const Error &error) {
                    problems.append(error.message());
                }
            }
            finishReload(index, candidate, problems, promise);
        });
    return future;
}

QFuture<QList<AgentPackageReport>> AgentPackageLoader::reloadAll()
{
    QList<QFuture<AgentPackageReport>> reloads;
    for (const LoadedPackage &loaded : std::as_const(m_packages))
        reloads.append(reload(loaded.report.file));
    return QtFuture::whenAll(reloads.begin(), reloads.end())
        .then([](const QList<QFuture<AgentPackageReport>> &done) {
            QList<AgentPackageReport> reports;
            for (const QFuture<AgentPackageReport> &one : done)
                reports.append(one.result());
            return reports;
        });
}

namespace {

// The continuations a new version of an agent class registers; nullopt for a class that is not
// an agent. Building one runs only its constructor, where an agent registers them.
Result<std::optional<QStringList>> continuationsOf(const ClassRegistration &registration)
{
    try {
        const std::unique_ptr<DurableObject> probe = registration.factory();
        if (const auto *agent = dynamic_cast<const Agent *>(probe.get()))
            return std::optional<QStringList>(agent->continuationNames());
        return std::optional<QStringList>();
    } catch (const Error &error) {
        return error.prefixed(QStringLiteral("The new version of class %1 fails to construct")
                                  .arg(registration.name));
    } catch (const std::exception &error) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("The new version of class %1 fails to construct: %2")
                         .arg(registration.name, QString::fromLocal8Bit(error.what())));
    }
}

} // namespace

QList<QFuture<QString>> AgentPackageLoader::checkContinuations(const LoadedPackage &candidate) const
{
    QList<QFuture<QString>> checks;
    for (const ClassRegistration &registration : candidate.classes) {
        const Result<std::optional<QStringList>> kept = continuationsOf(registration);
        if (!kept) {
            checks.append(QtFuture::makeReadyFuture(kept.error().message()));
            continue;
        }
        if (!kept.value())
            continue;
        for (Engine *engine : enginesOf(candidate.report.file)) {
            if (!engine->isRunning() || !engine->classNames().contains(registration.name))
                continue;
            const QStringList keeps = *kept.value();
            const QString className = registration.name;
            checks.append(AgentDirectory(engine).waitingContinuations(className).then(
                [keeps, className](const QHash<QString, QStringList> &waiting) {
                    QStringList dropped;
                    for (auto it = waiting.cbegin(); it != waiting.cend(); ++it) {
                        if (!keeps.contains(it.key()))
                            dropped.append(QStringLiteral("%1 (waited on by %2)")
                                               .arg(it.key(), it.value().join(u", ")));
                    }
                    if (dropped.isEmpty())
                        return QString();
                    dropped.sort();
                    return QStringLiteral("The new version of class %1 drops continuations that "
                                          "pending work will run: %2; keep them until that work "
                                          "is done")
                        .arg(className, dropped.join(QStringLiteral("; ")));
                }));
        }
    }
    return checks;
}

QList<QFuture<void>> AgentPackageLoader::replaceClasses(const LoadedPackage &candidate) const
{
    QList<QFuture<void>> replaced;
    for (Engine *engine : enginesOf(candidate.report.file)) {
        for (const ClassRegistration &registration : candidate.classes) // new ones are added
            replaced.append(engine->replaceClass(registration.name, registration.factory,
                                                 registration.options));
    }
    return replaced;
}

void AgentPackageLoader::finishReload(qsizetype index, LoadedPackage candidate,
                                      const QStringList &problems,
                                      const std::shared_ptr<QPromise<AgentPackageReport>> &promise)
{
    AgentPackageReport &report = candidate.report;
    const LoadedPackage &current = m_packages.at(index);
    m_reloading.remove(current.report.file);
    if (!report.error && !problems.isEmpty()) {
        report.error = refused(ErrorCode::Conflict, problems.join(u'\n'), report.file);
    }
    if (report.error) {
        report.error = report.error->prefixed(
            QStringLiteral("Kept the running code of %1; its new version was refused")
                .arg(packageLabel(current.report)));
        qCDebug(lcPackages).noquote() << report.error->message();
        promise->addResult(report);
        promise->finish();
        return;
    }
    report.reloads = current.report.reloads + 1;
    QList<QFuture<void>> replaced = replaceClasses(candidate);
    m_packages[index] = candidate;
    qCDebug(lcPackages).noquote() << "reloaded" << report.summary();
    QtFuture::whenAll(replaced.begin(), replaced.end())
        .then(&m_context, [promise, report](const QList<QFuture<void>> &) {
            promise->addResult(report);
            promise->finish();
        });
}

} // namespace Durable
