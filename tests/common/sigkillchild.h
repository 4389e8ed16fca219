// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <functional>

namespace DurableCrash {

// Hands one line the child printed to the cycle; a non-empty text is an error that ends it.
using LineTaker = std::function<QString(const QByteArray &line)>;

// The crash tests' way to kill a child mid-load: starts program, hands each line it prints to
// takeLine until enough() holds, SIGKILLs it while it keeps working, then hands over the lines
// it wrote before it died. Returns an error text, empty when the child was killed as planned.
// A child that prints nothing for 30 s is an error, so a hang fails instead of blocking.
QString runUntilKilled(const QString &program, const QStringList &arguments,
                       const LineTaker &takeLine, const std::function<bool()> &enough);

} // namespace DurableCrash
