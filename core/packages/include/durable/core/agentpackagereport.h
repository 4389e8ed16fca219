// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/error.h>

#include <QMetaType>
#include <QString>
#include <QStringList>

#include <optional>

namespace Durable {

// What happened to one file (or directory) AgentPackageLoader was given: the package it held and
// its classes, or why it was refused.
struct AgentPackageReport
{
    QString file;        // absolute path of the library, or the directory that could not be read
    QString name;        // the package's name, once loaded
    QString description; // the package's description, once loaded
    QString sdkVersion;  // the SDK version it was built against, when its metadata says
    QStringList classes; // the classes it provides (registerClasses(): the ones registered)
    std::optional<Error> error;
    int reloads = 0; // how many times reload() replaced the package's code

    bool ok() const { return !error.has_value(); }
    // "hello (libhello.so): Greeter" or the error's message, for logs and dialogs.
    QString summary() const;
};

} // namespace Durable

Q_DECLARE_METATYPE(Durable::AgentPackageReport)
