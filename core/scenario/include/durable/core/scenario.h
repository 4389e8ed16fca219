// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/objectid.h>
#include <durable/core/result.h>

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace Durable {

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
    // An object created by id (no name) is addressed by "id" (64 hex characters) instead.
    QString objectIdText() const { return params.value(QStringLiteral("id")).toString(); }
    bool hasObject() const
    {
        return !className().isEmpty() && (!objectName().isEmpty() || !objectIdText().isEmpty());
    }
    ObjectId objectId() const;
    // "Class/name", or "Class/<id prefix>" for an object addressed by id.
    QString objectLabel() const;
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

} // namespace Durable
