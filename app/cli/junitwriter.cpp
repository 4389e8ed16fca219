// SPDX-License-Identifier: MIT
#include "junitwriter.h"

#include <QFile>
#include <QSaveFile>
#include <QXmlStreamWriter>

namespace Durable::Cli {

namespace {

QString seconds(qint64 ms)
{
    return QString::number(double(ms) / 1000.0, 'f', 3);
}

QString failureText(const StepResult &step)
{
    QString text = step.message + QLatin1Char('\n');
    if (!step.expected.isEmpty())
        text += QStringLiteral("expected: ") + step.expected + QLatin1Char('\n');
    if (!step.actual.isEmpty())
        text += QStringLiteral("actual:   ") + step.actual + QLatin1Char('\n');
    if (!step.journal.isEmpty())
        text += QStringLiteral("recent history:\n  ") + step.journal.join(QStringLiteral("\n  ")) +
                QLatin1Char('\n');
    return text;
}

} // namespace

QByteArray JUnitWriter::toXml(const QList<ScenarioResult> &results)
{
    QByteArray xml;
    QXmlStreamWriter out(&xml);
    out.setAutoFormatting(true);
    out.writeStartDocument();
    out.writeStartElement(QStringLiteral("testsuites"));
    int tests = 0;
    int failures = 0;
    int errors = 0;
    qint64 totalMs = 0;
    for (const ScenarioResult &result : results) {
        tests += qMax(1, int(result.steps.size()));
        failures += result.count(StepResult::Outcome::Failed);
        errors += result.error.isEmpty() ? 0 : 1;
        totalMs += result.elapsedMs;
    }
    out.writeAttribute(QStringLiteral("name"), QStringLiteral("durable scenarios"));
    out.writeAttribute(QStringLiteral("tests"), QString::number(tests));
    out.writeAttribute(QStringLiteral("failures"), QString::number(failures));
    out.writeAttribute(QStringLiteral("errors"), QString::number(errors));
    out.writeAttribute(QStringLiteral("time"), seconds(totalMs));
    for (const ScenarioResult &result : results) {
        out.writeStartElement(QStringLiteral("testsuite"));
        out.writeAttribute(QStringLiteral("name"), result.name);
        out.writeAttribute(QStringLiteral("file"), result.file);
        out.writeAttribute(QStringLiteral("tests"),
                           QString::number(qMax(1, int(result.steps.size()))));
        out.writeAttribute(QStringLiteral("failures"),
                           QString::number(result.count(StepResult::Outcome::Failed)));
        out.writeAttribute(QStringLiteral("errors"),
                           result.error.isEmpty() ? QStringLiteral("0") : QStringLiteral("1"));
        out.writeAttribute(QStringLiteral("skipped"),
                           QString::number(result.count(StepResult::Outcome::Skipped)));
        out.writeAttribute(QStringLiteral("time"), seconds(result.elapsedMs));
        if (!result.error.isEmpty()) {
            out.writeStartElement(QStringLiteral("testcase"));
            out.writeAttribute(QStringLiteral("classname"), result.name);
            out.writeAttribute(QStringLiteral("name"), QStringLiteral("load"));
            out.writeStartElement(QStringLiteral("error"));
            out.writeAttribute(QStringLiteral("message"), result.error);
            out.writeCharacters(result.error);
            out.writeEndElement();
            out.writeEndElement();
        }
        for (const StepResult &step : result.steps) {
            out.writeStartElement(QStringLiteral("testcase"));
            out.writeAttribute(QStringLiteral("classname"), result.name);
            out.writeAttribute(
                QStringLiteral("name"),
                QStringLiteral("%1. %2").arg(step.index, 2, 10, QLatin1Char('0')).arg(step.title));
            out.writeAttribute(QStringLiteral("time"), seconds(step.elapsedMs));
            if (step.outcome == StepResult::Outcome::Failed) {
                out.writeStartElement(QStringLiteral("failure"));
                out.writeAttribute(QStringLiteral("message"), step.message);
                out.writeAttribute(QStringLiteral("type"), step.kind);
                out.writeCharacters(failureText(step));
                out.writeEndElement();
            } else if (step.outcome == StepResult::Outcome::Skipped) {
                out.writeEmptyElement(QStringLiteral("skipped"));
                out.writeAttribute(QStringLiteral("message"),
                                   QStringLiteral("an earlier step failed"));
            }
            out.writeEndElement();
        }
        out.writeEndElement();
    }
    out.writeEndElement();
    out.writeEndDocument();
    return xml;
}

Result<void> JUnitWriter::write(const QString &file, const QList<ScenarioResult> &results)
{
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly))
        return Error(ErrorCode::Io,
                     QStringLiteral("Could not write %1: %2").arg(file, out.errorString()));
    out.write(toXml(results));
    if (!out.commit())
        return Error(ErrorCode::Io,
                     QStringLiteral("Could not write %1: %2").arg(file, out.errorString()));
    return {};
}

} // namespace Durable::Cli
