// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QList>
#include <QPair>
#include <QString>

namespace DurableBench {

// One workload's result as a single JSON object, keys in the order they were added (so
// "workload" and "ok" come first), written as `{"key": value, ...}`.
class BenchLine
{
public:
    explicit BenchLine(const QString &workload);

    void set(const QString &key, const QJsonValue &value);
    // A figure rounded to `decimals` places, so lines stay readable.
    void setFigure(const QString &key, double value, int decimals = 3);
    void setOk(bool ok) { set(QStringLiteral("ok"), ok); }
    bool ok() const;

    QByteArray toJson() const;
    // Writes the line and a newline to stdout and flushes.
    void print() const;

private:
    QList<QPair<QString, QJsonValue>> m_fields;
};

} // namespace DurableBench
