// SPDX-License-Identifier: MIT
#include "branchcompareview.h"

#include "awaitresult.h"
#include "inspectionjson.h"
#include "journalreader.h"

#include <durable/core/engine.h>
#include <durable/core/inspector.h>
#include <durable/core/jsontext.h>

#include <QStringList>

namespace Durable::Cli {

namespace {

// Every turn a comparison reads at most: beyond it the oldest are left out.
constexpr int MaxTurns = 100000;

QString valueText(const QJsonValue &value)
{
    return value.isUndefined() ? QStringLiteral("(none)") : JsonText::compact(value);
}

QString turnText(const std::optional<JournalEntry> &entry)
{
    if (!entry)
        return QStringLiteral("-");
    QString text = entry->trigger;
    if (!entry->method.isEmpty())
        text += QLatin1Char(' ') + entry->method;
    if (!entry->output.isUndefined() && !entry->output.isNull())
        text += QStringLiteral(" -> ") + JsonText::compact(entry->output).left(60);
    return text;
}

QString label(const BranchComparison::Branch &branch)
{
    return branch.summary.className + QLatin1Char('/') + branch.summary.displayName();
}

} // namespace

Result<BranchComparison::Branch> BranchCompareView::read(const Engine &engine,
                                                         const Inspector &inspector,
                                                         const QString &spec)
{
    const qsizetype slash = spec.indexOf(QLatin1Char('/'));
    if (slash <= 0 || slash == spec.size() - 1) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("\"%1\" does not name an object: write CLASS/NAME, as in "
                                    "Recruitment/alan")
                         .arg(spec));
    }
    const QString className = spec.left(slash);
    const QString name = spec.mid(slash + 1);
    if (!engine.classNames().contains(className)) {
        return Error(ErrorCode::UnknownClass,
                     QStringLiteral("Unknown class \"%1\" (known: %2); load its package with "
                                    "--agents DIR, or --demo for the demo agents")
                         .arg(className, engine.classNames().join(QStringLiteral(", "))));
    }
    const ObjectId id = ObjectId::fromName(className, name);
    BranchComparison::Branch branch;
    auto summary = awaitResult(inspector.object(className, id));
    if (!summary)
        return summary.error();
    branch.summary = summary.value();
    auto turns = JournalReader(inspector).last(className, id, MaxTurns);
    if (!turns)
        return turns.error();
    branch.turns = std::move(turns).value();
    if (branch.turns.isEmpty())
        return branch;
    // The state after its last turn, an agent's state and steps included (they are not keys).
    auto state = awaitResult(inspector.stateAt(className, id, branch.turns.last().seq));
    if (!state)
        return state.error();
    branch.state = std::move(state).value();
    return branch;
}

QJsonObject BranchCompareView::toJson(const BranchComparison::Branch &a,
                                      const BranchComparison::Branch &b,
                                      const BranchComparison &comparison)
{
    QJsonObject json = comparison.toJson();
    json.insert(QStringLiteral("a"), InspectionJson::objectSummary(a.summary));
    json.insert(QStringLiteral("b"), InspectionJson::objectSummary(b.summary));
    return json;
}

QString BranchCompareView::describe(const BranchComparison::Branch &a,
                                    const BranchComparison::Branch &b,
                                    const BranchComparison &comparison)
{
    QStringList lines;
    lines << QStringLiteral("A: %1").arg(label(a)) << QStringLiteral("B: %1").arg(label(b));
    if (comparison.relation == QLatin1String("fork"))
        lines << QStringLiteral("B is a fork of A made at turn #%1").arg(comparison.sharedUntil);
    else if (comparison.relation == QLatin1String("origin"))
        lines << QStringLiteral("A is a fork of B made at turn #%1").arg(comparison.sharedUntil);
    else if (comparison.relation == QLatin1String("siblings"))
        lines << QStringLiteral("A and B are forks of one object; common history up to turn #%1")
                     .arg(comparison.sharedUntil);
    else
        lines << QStringLiteral("A and B share no history; turns are compared by number");
    for (const BranchComparison::Row &row : comparison.rows) {
        lines << QStringLiteral("#%1 %2 A: %3 | B: %4")
                     .arg(row.position)
                     .arg(row.same ? QStringLiteral("=") : QStringLiteral("≠"), turnText(row.a),
                          turnText(row.b));
    }
    lines << (comparison.firstDifference < 0
                  ? QStringLiteral("no turn differs")
                  : QStringLiteral("first difference at turn #%1").arg(comparison.firstDifference));
    if (comparison.stateDiff.isEmpty())
        lines << QStringLiteral("state: the same");
    for (const KeyChange &change : comparison.stateDiff) {
        lines << QStringLiteral("state %1: A %2, B %3")
                     .arg(change.key, valueText(change.before), valueText(change.after));
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace Durable::Cli
