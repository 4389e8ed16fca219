// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/result.h>

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace Durable::Cli {

// One step of a scenario: its kind ("call", "advance", ...), a title for reports, and its
// parameters as written (with the scenario's defaults for "class" and "name" filled in).
struct ScenarioStep
{
    int index = 0; // 1-based
    QString kind;
    QString title;
    QJsonObject params;

    QString className() const { return params.value(QStringLiteral("class")).toString(); }
    QString objectName() const { return params.value(QStringLiteral("name")).toString(); }
    bool hasObject() const { return !className().isEmpty() && !objectName().isEmpty(); }
};

// A scenario file: a JSON object {"name", "description", "start", "defaults": {"class",
// "name"}, "steps": [{"do": "call", ...}, ...]}. load() checks every step's kind and required
// fields, so a malformed file fails before any step runs, naming the step and the field.
struct Scenario
{
    QString file;
    QString name;
    QString description;
    QDateTime start; // virtual clock start; invalid: the VirtualClock default
    QList<ScenarioStep> steps;

    static Result<Scenario> load(const QString &file);
    static Result<Scenario> fromJson(const QJsonObject &json, const QString &file);
    static QStringList stepKinds();
};

} // namespace Durable::Cli
