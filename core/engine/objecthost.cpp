// SPDX-License-Identifier: MIT
#include "objecthost.h"

#include "turnextension.h"

#include "enginecore.h"
#include "worker.h"

#include <QDir>
#include <QFileInfo>
#include <QThread>

namespace Durable {

ObjectHost::ObjectHost(EngineCore &core, const ClassInfo &cls, ObjectId id, QString name)
    : m_core(core), m_class(cls), m_id(std::move(id)), m_name(std::move(name))
{
    m_journal.setFacets(TurnExtension::installed());
}

ObjectHost::~ObjectHost() = default;

Stub ObjectHost::stub(const QString &className, const QString &name) const
{
    return m_core.makeStub(className, name, ObjectId::fromName(className, name)).orThrow();
}

Stub ObjectHost::stub(const QString &className, const ObjectId &id) const
{
    return m_core.makeStub(className, QString(), id).orThrow();
}

qint64 ObjectHost::nowMs() const
{
    return m_core.clock().nowMs();
}

bool ObjectHost::onWorkerThread() const
{
    return QThread::currentThread() == m_core.workerFor(m_id).thread();
}

QString ObjectHost::label() const
{
    return m_class.name + u'/' + (m_name.isEmpty() ? m_id.toString().left(16) : m_name);
}

QString ObjectHost::filePath() const
{
    return m_core.objectPath(m_class.name, m_id);
}

Result<void> ObjectHost::activate(bool &created)
{
    Q_ASSERT(onWorkerThread());
    created = false;
    if (m_state == State::Quarantined)
        return m_quarantineError;
    if (m_db.isOpen())
        return {};
    const QString path = filePath();
    const QFileInfo info(path);
    created = !info.exists();
    if (created && !QDir().mkpath(info.absolutePath())) {
        return Error(ErrorCode::Io, QStringLiteral("Could not create the directory %1 for %2")
                                        .arg(info.absolutePath(), label()));
    }
    ObjectMeta meta {m_class.name, m_id.toString(), m_name, m_core.clock().nowMs()};
    m_db.setLabel(label());
    m_db.setAlarmsAllowed(m_class.options.handlesAlarms);
    m_db.setSqlLimits(m_core.options().sqlBudget, &m_core.stopping());
    if (auto ok = m_db.open(path, meta, m_core.options().durability); !ok)
        return ok;
    try {
        m_journal.setRetention(m_class.options.retention);
        m_journal.load();
    } catch (const Error &error) {
        m_db.close();
        return error;
    }
    if (m_name.isEmpty() && !meta.name.isEmpty()) {
        m_name = meta.name;
        m_db.setLabel(label());
    }
    createdMs = meta.createdMs;
    m_state = State::Active;
    return {};
}

DurableObject &ObjectHost::instance()
{
    Q_ASSERT(onWorkerThread());
    if (!m_instance) {
        std::unique_ptr<DurableObject> fresh = m_class.factory();
        if (!fresh) {
            throw Error(
                ErrorCode::Internal,
                QStringLiteral("The factory of class %1 returned no object").arg(m_class.name));
        }
        fresh->m_context = this;
        fresh->onStart(); // throws: the caller's turn fails and no instance is kept
        m_instance = std::move(fresh);
    }
    return *m_instance;
}

void ObjectHost::close()
{
    Q_ASSERT(onWorkerThread());
    m_instance.reset();
    m_journal.close();
    m_db.close();
    if (m_state == State::Active)
        m_state = State::Hibernated;
}

void ObjectHost::quarantine(const Error &why)
{
    Q_ASSERT(onWorkerThread());
    m_instance.reset();
    m_journal.close();
    m_db.close();
    m_state = State::Quarantined;
    m_quarantineError = Error(ErrorCode::Quarantined,
                              QStringLiteral("%1 is quarantined: %2").arg(label(), why.message()),
                              why.context());
    m_quarantineError.withContext(QStringLiteral("file"), filePath());
}

} // namespace Durable
