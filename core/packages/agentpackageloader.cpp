// SPDX-License-Identifier: MIT
#include <durable/core/agentpackageloader.h>

#include <durable/core/agentpackage.h>
#include <durable/core/engine.h>
#include <durable/core/sdkversion.h>

#include <QDir>
#include <QFileInfo>
#include <QJsonObject>
#include <QLibrary>
#include <QLoggingCategory>
#include <QPluginLoader>
#include <QSet>

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
    if (QFileInfo(path).isDir() || !QLibrary::isLibrary(path))
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
        if (!QLibrary::isLibrary(entry.fileName()) || seen.contains(entry.canonicalFilePath()))
            continue;
        seen.insert(entry.canonicalFilePath());
        reports.append(loadFile(entry.absoluteFilePath()));
    }
    return reports;
}

AgentPackageReport AgentPackageLoader::loadFile(const QString &file)
{
    const QFileInfo info(file);
    LoadedPackage candidate;
    AgentPackageReport &report = candidate.report;
    report.file = info.absoluteFilePath();
    if (!info.isFile()) {
        report.error = refused(ErrorCode::NotFound,
                               QStringLiteral("Agent package %1 does not exist").arg(report.file),
                               report.file);
        return report;
    }
    for (const LoadedPackage &loaded : std::as_const(m_packages)) {
        if (QFileInfo(loaded.report.file).canonicalFilePath() == info.canonicalFilePath())
            return loaded.report;
    }
    const Result<QString> version = readSdkVersion(report.file);
    if (!version) {
        report.sdkVersion =
            version.error().context().value(QStringLiteral("sdkVersion")).toString();
        report.error = version.error();
        qCDebug(lcPackages).noquote() << version.error().message();
        return report;
    }
    report.sdkVersion = version.value();

    // Only now does any code of the library run (its static initialisers, then the root object).
    QPluginLoader plugin(report.file);
    QObject *root = plugin.instance();
    if (!root) {
        report.error = refused(ErrorCode::Io,
                               QStringLiteral("Could not load agent package %1: %2")
                                   .arg(report.file, plugin.errorString()),
                               report.file);
        qCDebug(lcPackages).noquote() << report.error->message();
        return report;
    }
    candidate.package = qobject_cast<AgentPackage *>(root);
    if (!candidate.package) {
        report.error = refused(
            ErrorCode::InvalidArgument,
            QStringLiteral("%1 declares the Durable agent package IID, but its plugin class %2 "
                           "does not implement Durable::AgentPackage; add "
                           "Q_INTERFACES(Durable::AgentPackage) to it")
                .arg(report.file, QString::fromLatin1(root->metaObject()->className())),
            report.file);
        return report;
    }
    report.name = candidate.package->name().isEmpty() ? info.completeBaseName()
                                                      : candidate.package->name();
    report.description = candidate.package->description();
    candidate.classes = candidate.package->classes();
    for (const ClassRegistration &registration : std::as_const(candidate.classes))
        report.classes.append(registration.name);
    if (const auto error = checkClasses(candidate)) {
        report.error = error;
        qCDebug(lcPackages).noquote() << error->message();
        return report;
    }
    qCDebug(lcPackages).noquote() << "loaded" << report.summary();
    m_packages.append(candidate);
    return report;
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

std::optional<Error> AgentPackageLoader::checkClasses(const LoadedPackage &candidate) const
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
        for (const LoadedPackage &loaded : m_packages) {
            if (loaded.report.classes.contains(registration.name)) {
                return refused(
                    ErrorCode::Conflict,
                    QStringLiteral("Class %1 of %2 is already provided by %3; rename one of them")
                        .arg(registration.name, packageLabel(report), packageLabel(loaded.report)),
                    report.file);
            }
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

QList<AgentPackageReport> AgentPackageLoader::registerClasses(Engine &engine) const
{
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
        reports.append(report);
    }
    return reports;
}

} // namespace Durable
