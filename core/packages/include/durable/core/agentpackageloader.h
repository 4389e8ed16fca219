// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/agentpackagereport.h>
#include <durable/core/classregistration.h>
#include <durable/core/result.h>

#include <QFuture>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QPromise>
#include <QString>

#include <memory>
#include <optional>

class QTemporaryDir;

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
// A loaded package can be loaded again from its file (reload(): a rebuilt library) while the
// engines run: its classes are replaced between turns in every engine it was registered into.
//
// Not thread-safe: use it on one thread (the main thread), which must run an event loop for
// reloads to finish. Libraries are never unloaded: objects of an old version may still be
// running a turn when it is replaced, and Qt plugins do not survive unloading reliably.
class AgentPackageLoader
{
public:
    AgentPackageLoader();
    ~AgentPackageLoader();
    AgentPackageLoader(const AgentPackageLoader &) = delete;
    AgentPackageLoader &operator=(const AgentPackageLoader &) = delete;

    // A directory: every shared library and JavaScript agent file (*.js, see JsAgentFile)
    // directly in it, by file name (other files are skipped); a file named like a shared library
    // or ending in .js: that file. A path that does not exist gives one report with the error
    // (as a missing directory unless it is named like a library or a script).
    QList<AgentPackageReport> load(const QString &path);
    QList<AgentPackageReport> loadDirectory(const QString &directory);
    AgentPackageReport loadFile(const QString &file);
    // Whether path names an agent package file: a shared library or a JavaScript agent file.
    static bool isPackageFile(const QString &path);

    // The packages loaded so far, in load order.
    QList<AgentPackageReport> packages() const;
    bool isEmpty() const { return m_packages.isEmpty(); }

    // Registers the classes of every loaded package into engine, which must not have started.
    // A package with a class name the engine already has (a built-in class) is refused as a
    // whole; the others are registered. One report per loaded package. Reloads reach engine
    // from then on, for as long as it lives.
    QList<AgentPackageReport> registerClasses(Engine &engine);

    // Loads the package that was loaded from file again (the library was rebuilt) and, once it
    // passed every check of a first load, replaces its classes in every engine they were
    // registered into: objects of them are closed between turns and rebuilt from storage with
    // the new code on their next turn. The future finishes once no object runs the old code.
    //
    // The old code stays when the new library cannot be loaded, is refused, no longer provides
    // one of the package's classes, or drops a continuation that pending work (a schedule, a
    // human request, a model call, a call to another object) of an existing object will run;
    // the report's error then says why, naming the objects that wait. A reload of a file
    // already being reloaded yields that reload's report.
    //
    // The library is loaded from a copy in a temporary directory (the dynamic linker would hand
    // back the old library for the same path); the copy is removed once loaded.
    QFuture<AgentPackageReport> reload(const QString &file);
    // reload() for every package loaded so far.
    QFuture<QList<AgentPackageReport>> reloadAll();
    // The library files of the packages loaded so far (what a watcher watches).
    QStringList files() const;

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

    // Reads file's metadata and loads the library from loadFrom (file, or a copy of it).
    LoadedPackage openScript(const QString &file) const;
    LoadedPackage open(const QString &file, const QString &loadFrom) const;
    // replacing: the index of the package candidate is a new version of, or -1.
    std::optional<Error> checkClasses(const LoadedPackage &candidate,
                                      qsizetype replacing = -1) const;
    qsizetype indexOf(const QString &file) const;
    Result<QString> copyForReload(const QString &file);
    // The engines file's package is registered into.
    QList<Engine *> enginesOf(const QString &file) const;
    // A class the new version adds must not be taken in an engine it goes into.
    std::optional<Error> checkAddedClasses(const LoadedPackage &candidate,
                                           const LoadedPackage &current) const;
    // The futures' messages, one per engine and agent class, for what would break.
    QList<QFuture<QString>> checkContinuations(const LoadedPackage &candidate) const;
    QList<QFuture<void>> replaceClasses(const LoadedPackage &candidate) const;
    void finishReload(qsizetype index, LoadedPackage candidate, const QStringList &problems,
                      const std::shared_ptr<QPromise<AgentPackageReport>> &promise);

    QList<LoadedPackage> m_packages;
    struct Registered
    {
        QPointer<Engine> engine;
        QStringList files; // the packages registered into it
    };
    QList<Registered> m_engines;
    std::unique_ptr<QTemporaryDir> m_copies; // where reloaded libraries are loaded from
    int m_copiesMade = 0;
    QHash<QString, QFuture<AgentPackageReport>> m_reloading; // by file
    QObject m_context; // continuations of reloads run on this (the loader's) thread
};

} // namespace Durable
