// SPDX-License-Identifier: MIT
#include "benchline.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>
#include <cstdio>

namespace DurableBench {

namespace {

QByteArray encode(const QJsonValue &value)
{
    // QJsonDocument only writes arrays and objects: wrap the value and strip the brackets.
    const QByteArray array = QJsonDocument(QJsonArray {value}).toJson(QJsonDocument::Compact);
    return array.mid(1, array.size() - 2);
}

} // namespace

BenchLine::BenchLine(const QString &workload)
{
    set(QStringLiteral("workload"), workload);
    set(QStringLiteral("ok"), false);
}

void BenchLine::set(const QString &key, const QJsonValue &value)
{
    for (auto &field : m_fields) {
        if (field.first == key) {
            field.second = value;
            return;
        }
    }
    m_fields.append({key, value});
}

void BenchLine::setFigure(const QString &key, double value, int decimals)
{
    const double scale = std::pow(10.0, decimals);
    set(key, std::isfinite(value) ? std::round(value * scale) / scale : 0.0);
}

bool BenchLine::ok() const
{
    for (const auto &field : m_fields) {
        if (field.first == QLatin1String("ok"))
            return field.second.toBool();
    }
    return false;
}

QByteArray BenchLine::toJson() const
{
    QByteArray out = "{";
    for (qsizetype i = 0; i < m_fields.size(); ++i) {
        if (i > 0)
            out += ", ";
        out += encode(m_fields[i].first) + ": " + encode(m_fields[i].second);
    }
    out += "}";
    return out;
}

void BenchLine::print() const
{
    const QByteArray line = toJson() + '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fflush(stdout);
}

} // namespace DurableBench
