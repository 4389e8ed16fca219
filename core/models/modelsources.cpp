// SPDX-License-Identifier: MIT
#include <durable/core/modelsources.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutexLocker>
#include <QSaveFile>

namespace Durable {

namespace {

Error corrupt(const QString &path, const QString &why)
{
    return Error(ErrorCode::Corrupt, QStringLiteral("%1 is not valid: %2").arg(path, why));
}

} // namespace

QString ModelSourceChoice::name(ModelSource source)
{
    switch (source) {
    case ModelSource::Recorded:
        return QStringLiteral("recorded");
    case ModelSource::Live:
        return QStringLiteral("live");
    case ModelSource::Edited:
        return QStringLiteral("edited");
    }
    return {};
}

std::optional<ModelSource> ModelSourceChoice::fromName(const QString &name)
{
    for (ModelSource source : {ModelSource::Recorded, ModelSource::Live, ModelSource::Edited}) {
        if (ModelSourceChoice::name(source) == name)
            return source;
    }
    return std::nullopt;
}

QJsonObject ModelSourceChoice::toJson() const
{
    QJsonObject json {{QStringLiteral("source"), name(source)}};
    if (source == ModelSource::Edited)
        json.insert(QStringLiteral("reply"), reply);
    return json;
}

Result<ModelSourceChoice> ModelSourceChoice::fromJson(const QJsonObject &json)
{
    const QString sourceName = json.value(QStringLiteral("source")).toString();
    const std::optional<ModelSource> source = fromName(sourceName);
    if (!source) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("Unknown model source \"%1\": use recorded, live or edited")
                         .arg(sourceName));
    }
    ModelSourceChoice choice;
    choice.source = *source;
    if (choice.source != ModelSource::Edited)
        return choice;
    choice.reply = json.value(QStringLiteral("reply")).toObject();
    if (!choice.reply.contains(QStringLiteral("content")) &&
        !choice.reply.contains(QStringLiteral("toolCalls"))) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("An edited model reply needs a \"reply\" with a \"content\" "
                                    "(the text the model answers) or \"toolCalls\""));
    }
    if (auto parsed = ChatReply::fromJson(choice.reply); !parsed)
        return parsed.error().prefixed(QStringLiteral("The edited model reply"));
    return choice;
}

QJsonObject RecordedReply::toJson() const
{
    return {
        {QStringLiteral("class"), call.className}, {QStringLiteral("id"), call.id.toString()},
        {QStringLiteral("callId"), call.callId},   {QStringLiteral("round"), call.round},
        {QStringLiteral("seq"), double(seq)},      {QStringLiteral("request"), request.toJson()},
        {QStringLiteral("reply"), reply.toJson()}};
}

Result<RecordedReply> RecordedReply::fromJson(const QJsonObject &json)
{
    RecordedReply recorded;
    recorded.call.className = json.value(QStringLiteral("class")).toString();
    const Result<ObjectId> id = ObjectId::fromString(json.value(QStringLiteral("id")).toString());
    if (!id)
        return id.error();
    recorded.call.id = id.value();
    recorded.call.callId = json.value(QStringLiteral("callId")).toString();
    recorded.call.round = json.value(QStringLiteral("round")).toInt();
    recorded.seq = json.value(QStringLiteral("seq")).toInteger();
    Result<ChatRequest> request = ChatRequest::fromJson(
        json.value(QStringLiteral("request")).toObject());
    if (!request)
        return request.error();
    recorded.request = request.value();
    Result<ChatReply> reply = ChatReply::fromJson(json.value(QStringLiteral("reply")).toObject());
    if (!reply)
        return reply.error();
    recorded.reply = reply.value();
    return recorded;
}

QString ModelSources::recordedFrom(qint64 seq)
{
    return QStringLiteral("original turn %1").arg(seq);
}

bool ModelSources::isRecordedFrom(const QString &replayedFrom)
{
    return replayedFrom.startsWith(QLatin1String("original turn "));
}

ModelSources::ModelSources(QString dataDir) : m_dataDir(std::move(dataDir))
{ }

Result<std::shared_ptr<ModelSources>> ModelSources::open(const QString &dataDir)
{
    std::shared_ptr<ModelSources> sources(new ModelSources(QDir(dataDir).absolutePath()));
    QFile file(QDir(dataDir).absoluteFilePath(fileName()));
    if (!file.exists())
        return sources;
    if (!file.open(QIODevice::ReadOnly)) {
        return Error(
            ErrorCode::Io,
            QStringLiteral("Could not read %1: %2").arg(file.fileName(), file.errorString()));
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!document.isObject())
        return corrupt(file.fileName(), parseError.errorString());
    const QJsonObject json = document.object();
    for (const QJsonValue &entry : json.value(QStringLiteral("recorded")).toArray()) {
        Result<RecordedReply> recorded = RecordedReply::fromJson(entry.toObject());
        if (!recorded)
            return corrupt(file.fileName(), recorded.error().message());
        sources->m_recordedByKey.insert(recorded->call.key(), int(sources->m_recorded.size()));
        sources->m_recorded.append(recorded.value());
    }
    const QJsonObject choices = json.value(QStringLiteral("choices")).toObject();
    for (auto it = choices.begin(); it != choices.end(); ++it) {
        Result<ModelSourceChoice> choice = ModelSourceChoice::fromJson(it.value().toObject());
        if (!choice)
            return corrupt(file.fileName(), choice.error().message());
        sources->m_choices.insert(it.key(), choice.value());
    }
    return sources;
}

QList<RecordedReply> ModelSources::recorded() const
{
    QMutexLocker lock(&m_mutex);
    return m_recorded;
}

std::optional<RecordedReply> ModelSources::recordedFor(const QString &key) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_recordedByKey.constFind(key);
    if (it == m_recordedByKey.cend())
        return std::nullopt;
    return m_recorded.at(*it);
}

std::optional<ModelSourceChoice> ModelSources::choice(const QString &key) const
{
    QMutexLocker lock(&m_mutex);
    const auto it = m_choices.constFind(key);
    if (it == m_choices.cend())
        return std::nullopt;
    return *it;
}

std::optional<ModelSourceChoice> ModelSources::resolved(const QString &key) const
{
    QMutexLocker lock(&m_mutex);
    if (const auto it = m_choices.constFind(key); it != m_choices.cend())
        return *it;
    if (m_askFirst)
        return std::nullopt;
    ModelSourceChoice fallback;
    fallback.source = m_recordedByKey.contains(key) ? ModelSource::Recorded : ModelSource::Live;
    return fallback;
}

Result<void> ModelSources::setRecorded(const QList<RecordedReply> &recorded)
{
    QMutexLocker lock(&m_mutex);
    m_recorded = recorded;
    m_recordedByKey.clear();
    for (int i = 0; i < m_recorded.size(); ++i)
        m_recordedByKey.insert(m_recorded.at(i).call.key(), i);
    return saveLocked();
}

Result<void> ModelSources::choose(const ModelCallContext &call, const ModelSourceChoice &choice)
{
    const QString key = call.key();
    {
        QMutexLocker lock(&m_mutex);
        if (choice.source == ModelSource::Recorded && !m_recordedByKey.contains(key)) {
            return Error(ErrorCode::NotFound,
                         QStringLiteral("No recorded reply for model call %1 (round %2): the "
                                        "original got none; choose live or edited")
                             .arg(call.callId)
                             .arg(call.round));
        }
        const std::optional<ModelSourceChoice> before = m_choices.contains(key)
                                                            ? std::optional(m_choices.value(key))
                                                            : std::nullopt;
        m_choices.insert(key, choice);
        if (Result<void> saved = saveLocked(); !saved) {
            before ? void(m_choices.insert(key, *before)) : void(m_choices.remove(key));
            return saved;
        }
    }
    emit chosen(key);
    return {};
}

void ModelSources::setAskFirst(bool ask)
{
    QMutexLocker lock(&m_mutex);
    m_askFirst = ask;
}

bool ModelSources::askFirst() const
{
    QMutexLocker lock(&m_mutex);
    return m_askFirst;
}

bool ModelSources::isWaiting(const QString &key) const
{
    QMutexLocker lock(&m_mutex);
    return m_waiting.contains(key);
}

void ModelSources::setWaiting(const QString &key, bool waiting)
{
    {
        QMutexLocker lock(&m_mutex);
        if (m_waiting.contains(key) == waiting)
            return;
        waiting ? void(m_waiting.insert(key)) : void(m_waiting.remove(key));
    }
    emit waitingChanged(key, waiting);
}

Result<void> ModelSources::saveLocked() const
{
    QJsonArray recorded;
    for (const RecordedReply &entry : m_recorded)
        recorded.append(entry.toJson());
    QJsonObject choices;
    for (auto it = m_choices.cbegin(); it != m_choices.cend(); ++it)
        choices.insert(it.key(), it->toJson());
    QSaveFile file(QDir(m_dataDir).absoluteFilePath(fileName()));
    if (!file.open(QIODevice::WriteOnly)) {
        return Error(
            ErrorCode::Io,
            QStringLiteral("Could not write %1: %2").arg(file.fileName(), file.errorString()));
    }
    file.write(QJsonDocument(QJsonObject {{QStringLiteral("recorded"), recorded},
                                          {QStringLiteral("choices"), choices}})
                   .toJson());
    if (!file.commit()) {
        return Error(
            ErrorCode::Io,
            QStringLiteral("Could not write %1: %2").arg(file.fileName(), file.errorString()));
    }
    return {};
}

} // namespace Durable
