// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/classoptions.h>
#include <durable/core/result.h>

#include <QList>
#include <QString>
#include <QStringList>

namespace Durable {

class Engine;

// A JavaScript agent file: an ES module whose exported classes extend the global Agent (the
// same API as the C++ Agent: handle and continuation by name, state, steps, storage, schedules,
// askHuman, callModel, calls to other objects). load() reads the file and checks it in an engine
// of its own: a syntax error, or a class whose constructor throws, fails here with file:line,
// before any object runs it. Each worker thread then compiles the file once for its objects.
//
// The dialect is QJSEngine's (Qt 6.4): classes, getters, template literals, ?. and ?? work;
// async/await, object spread/rest, BigInt, Object.fromEntries and Array.flat do not. Nothing
// here needs them: a model reply or a person's answer arrives as a continuation, by name.
class JsAgentFile
{
public:
    struct Class
    {
        QString name;
        QString description;  // static get description()
        QStringList steps;    // static get steps()
        QStringList handlers; // this.handle(name, fn) in the constructor
        QStringList continuations;
    };

    static Result<JsAgentFile> load(const QString &path);

    QString path() const { return m_path; }
    // The content's hash: a changed file is a new version, compiled afresh.
    QString version() const { return m_version; }
    const QList<Class> &classes() const { return m_classes; }
    QStringList classNames() const;

    // Every class as the engine registers it: each object gets its own instance, built on its
    // worker's JavaScript engine.
    struct Registration
    {
        QString name;
        ObjectFactory factory;
        ClassOptions options;
    };
    QList<Registration> registrations() const;
    Result<void> registerClasses(Engine &engine) const;

private:
    QString m_path;
    QString m_version;
    QList<Class> m_classes;
};

} // namespace Durable
