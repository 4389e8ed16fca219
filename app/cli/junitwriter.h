// SPDX-License-Identifier: MIT
#pragma once

#include "scenarioresult.h"

#include <durable/core/result.h>

#include <QList>
#include <QString>

namespace Durable::Cli {

// Writes scenario results as JUnit XML: one <testsuite> per scenario, one <testcase> per step,
// <failure> with the expected/actual text and the object's history for a failing step,
// <skipped/> for the steps after it. CI systems render it as a test report.
class JUnitWriter
{
public:
    static QByteArray toXml(const QList<ScenarioResult> &results);
    static Result<void> write(const QString &file, const QList<ScenarioResult> &results);
};

} // namespace Durable::Cli
