// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/classregistration.h>
#include <durable/core/sdkversion.h>

#include <QList>
#include <QObject>
#include <QString>

namespace Durable {

// The interface an agent package implements: a shared library, built against the installed
// Durable SDK, that `durable --agents DIR` and the studio load at run time (AgentPackageLoader).
//
// A package is a Qt plugin whose root object derives from QObject and AgentPackage:
//
//     class HelloPackage : public QObject, public Durable::AgentPackage
//     {
//         Q_OBJECT
//         Q_PLUGIN_METADATA(IID DURABLE_AGENT_PACKAGE_IID)
//         Q_INTERFACES(Durable::AgentPackage)
//     public:
//         QString name() const override { return QStringLiteral("hello"); }
//         ...
//     };
//
// The IID carries the SDK version the package was built against, so a program refuses a
// package built against an incompatible SDK from its metadata, before running any of its code.
// The package's classes are described as values (classes()) rather than registered directly,
// so the loader can refuse a package whose class names are taken as a whole, and register the
// same package into every engine a program starts (the CLI starts one per scenario).
//
// Called on the thread that loads the package (the main thread); the classes' objects then run
// on the engine's workers like built-in ones. A loaded package stays loaded for the life of the
// process: engines keep its factories.
class AgentPackage
{
public:
    virtual ~AgentPackage() = default;

    // A short name for reports and the studio, e.g. "hello".
    virtual QString name() const = 0;
    // One sentence on what the package provides.
    virtual QString description() const = 0;
    // The classes to register, each with a unique name.
    virtual QList<ClassRegistration> classes() const = 0;
};

} // namespace Durable

Q_DECLARE_INTERFACE(Durable::AgentPackage, DURABLE_AGENT_PACKAGE_IID)
