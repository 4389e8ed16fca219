// SPDX-License-Identifier: MIT
#include <durable/core/jsagentfile.h>

#include "jsagent.h"
#include "jsruntime.h"

#include <durable/core/engine.h>

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QJSValueIterator>

namespace Durable {

namespace {

QStringList namesIn(const QJSValue &object)
{
    QStringList names;
    QJSValueIterator it(object);
    while (it.hasNext()) {
        it.next();
        names.append(it.name());
    }
    return names;
}

QStringList stringList(const QJSValue &array)
{
    QStringList list;
    const int length = array.property(QStringLiteral("length")).toInt();
    for (int i = 0; i < length; ++i)
        list.append(array.property(quint32(i)).toString());
    return list;
}

} // namespace

QStringList JsAgentFile::classNames() const
{
    QStringList names;
    for (const Class &cls : m_classes)
        names.append(cls.name);
    return names;
}

Result<JsAgentFile> JsAgentFile::load(const QString &path)
{
    JsAgentFile file;
    file.m_path = QFileInfo(path).absoluteFilePath();
    QFile source(file.m_path);
    if (!source.open(QIODevice::ReadOnly)) {
        return Error(ErrorCode::NotFound, QStringLiteral("Could not read JavaScript agent file "
                                                         "%1: %2")
                                              .arg(file.m_path, source.errorString()));
    }
    file.m_version = QString::fromLatin1(
        QCryptographicHash::hash(source.readAll(), QCryptographicHash::Sha1).toHex().left(16));
    try {
        // An engine of its own: what the file does at load time stays there.
        JsRuntime probe;
        QObject noHost; // a constructor only registers; it has no object yet
        QJSValueIterator exports(probe.module(file.m_path));
        while (exports.hasNext()) {
            exports.next();
            const QJSValue value = exports.value();
            if (!probe.isAgentClass(value))
                continue;
            Class cls;
            cls.name = exports.name() == QLatin1String("default")
                           ? value.property(QStringLiteral("name")).toString()
                           : exports.name();
            cls.description = value.property(QStringLiteral("description")).isString()
                                  ? value.property(QStringLiteral("description")).toString()
                                  : QString();
            cls.steps = stringList(value.property(QStringLiteral("steps")));
            const QJSValue instance = probe.construct(value, &noHost,
                                                      QStringLiteral("new %1()").arg(cls.name));
            cls.handlers = namesIn(instance.property(QStringLiteral("__handlers")));
            cls.continuations = namesIn(instance.property(QStringLiteral("__continuations")));
            file.m_classes.append(cls);
        }
    } catch (const Error &error) {
        return error;
    }
    if (file.m_classes.isEmpty()) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("%1 exports no agent class: write \"export class Name extends "
                                    "Agent { ... }\"")
                         .arg(QFileInfo(path).fileName()));
    }
    return file;
}

QList<JsAgentFile::Registration> JsAgentFile::registrations() const
{
    QList<Registration> list;
    for (const Class &cls : m_classes) {
        ClassOptions options;
        options.handlesAlarms = true; // schedules ride on the object's alarm
        options.description =
            cls.description.isEmpty()
                ? QStringLiteral("JavaScript agent (%1)").arg(QFileInfo(m_path).fileName())
                : cls.description;
        options.steps = cls.steps;
        options.source = m_path;
        ObjectFactory factory = [path = m_path, name = cls.name,
                                 version = m_version]() -> std::unique_ptr<DurableObject> {
            return std::make_unique<JsAgent>(path, name, version);
        };
        list.append({cls.name, std::move(factory), options});
    }
    return list;
}

Result<void> JsAgentFile::registerClasses(Engine &engine) const
{
    for (const Registration &registration : registrations()) {
        if (Result<void> registered = engine.registerClass(registration.name, registration.factory,
                                                           registration.options);
            !registered)
            return registered.error();
    }
    return {};
}

} // namespace Durable
