// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/agentpackagereport.h>
#include <durable/core/classregistration.h>
#include <durable/core/result.h>

#include <QList>
#include <QString>

#include <optional>

namespace Durable {

class AgentPackage;
class Engine;

// Loads agent packages (Qt plugins implementing Durable::AgentPackage) from directories or
// files and registers their classes into engines.
//
// Each library's metadata is read before any of its code runs: a library that is not a Qt
// plugin, a plugin that is not an agent package, and a package built against an incompatible
// SDK version are refused with a message saying so. Class names must be unique across the
// packages of one loader; a package whose names are taken is refused as a whole. Every file
// gets a report; nothing is dropped silently.
//
// Not thread-safe: use it on one thread (the main thread), before the engines it registers
// into start. Libraries are never unloaded (engines keep their factories).
class AgentPackageLoader
{
public:
    AgentPackageLoader();
    ~AgentPackageLoader();
    AgentPackageLoader(const AgentPackageLoader &) = delete;
    AgentPackageLoader &operator=(const AgentPackageLoader &) = delete;

    // A directory: every shared library directly in it, by file name (other files are skipped);
    // a file named like a shared library: that library. A path that does not exist gives one
    // report with the error (as a missing directory unless it is named like a library).
    QList<AgentPackageReport> load(const QString &path);
    QList<AgentPackageReport> loadDirectory(const QString &directory);
    AgentPackageReport loadFile(const QString &file);

    // The packages loaded so far, in load order.
    QList<AgentPackageReport> packages() const;
    bool isEmpty() const { return m_packages.isEmpty(); }

    // Registers the classes of every loaded package into engine, which must not have started.
    // A package with a class name the engine already has (a built-in class) is refused as a
    // whole; the others are registered. One report per loaded package.
    QList<AgentPackageReport> registerClasses(Engine &engine) const;

    // The SDK version of this program ("0.1") and whether a package built against
    // packageVersion ("major.minor") can run with it: before 1.0 the minor version must match;
    // from 1.0 the major must match and the package's minor must not be newer.
    static QString sdkVersion();
    static bool isCompatible(const QString &packageVersion);
    // Reads a package file's plugin metadata without loading it (no code of it runs) and returns
    // the SDK version it was built against; refuses a file that is not a compatible package (an
    // incompatible one's refusal names its version in the context, under "sdkVersion").
    static Result<QString> readSdkVersion(const QString &file);

private:
    struct LoadedPackage
    {
        AgentPackageReport report;
        AgentPackage *package = nullptr; // the plugin's root object, owned by Qt's plugin loader
        QList<ClassRegistration> classes;
    };

    std::optional<Error> checkClasses(const LoadedPackage &candidate) const;

    QList<LoadedPackage> m_packages;
};

} // namespace Durable
