// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/branchcomparison.h>
#include <durable/core/result.h>

#include <QJsonObject>
#include <QString>

namespace Durable {
class Engine;
class Inspector;
} // namespace Durable

namespace Durable::Cli {

// `durable inspect compare CLASS/NAME CLASS/NAME`: reads both objects through the Inspector
// (blocking, main thread), compares them (BranchComparison) and prints the result for people or
// as JSON for scripts. Reading never creates an object: one that does not exist is an error.
class BranchCompareView
{
public:
    // "Recruitment/alan": the class and the object's name. Fails for an unknown class or object.
    static Result<BranchComparison::Branch> read(const Engine &engine, const Inspector &inspector,
                                                 const QString &spec);
    // {"a": summary, "b": summary, ...BranchComparison::toJson()}.
    static QJsonObject toJson(const BranchComparison::Branch &a, const BranchComparison::Branch &b,
                              const BranchComparison &comparison);
    // A few lines: which is which, the shared history, one line per position (= or ≠), the first
    // difference and the state diff.
    static QString describe(const BranchComparison::Branch &a, const BranchComparison::Branch &b,
                            const BranchComparison &comparison);
};

} // namespace Durable::Cli
