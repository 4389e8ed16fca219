// SPDX-License-Identifier: MIT
#include "modelsourcepicker.h"

#include "futures.h"

#include <QButtonGroup>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>
#include <QtConcurrent>
#include <durable/core/inspector.h>
#include <durable/core/modelcalldirectory.h>

namespace Durable::Ui {

ModelSourcePicker::ModelSourcePicker(Inspector *inspector, QWidget *parent)
    : QWidget(parent), m_inspector(inspector), m_sources(inspector->modelSources()),
      m_group(new QButtonGroup(this)), m_status(new QLabel), m_editor(new QPlainTextEdit),
      m_answer(new QPushButton(tr("Answer")))
{
    auto *box = new QGroupBox(tr("Reply source for this call"));
    auto *buttons = new QHBoxLayout;
    const std::array<std::pair<ModelSource, QString>, 3> sources {
        std::pair {ModelSource::Recorded, tr("&Recorded — the original's reply")},
        std::pair {ModelSource::Live, tr("&Live — ask the model")},
        std::pair {ModelSource::Edited, tr("&Edited — this reply:")}};
    for (const auto &[source, text] : sources) {
        auto *radio = new QRadioButton(text);
        m_group->addButton(radio, int(source));
        buttons->addWidget(radio);
    }
    buttons->addStretch(1);
    buttons->addWidget(m_answer);
    m_status->setWordWrap(true);
    m_editor->setPlaceholderText(tr("The reply the model gives in this branch"));
    m_editor->setMaximumHeight(m_editor->fontMetrics().lineSpacing() * 6);
    auto *inner = new QVBoxLayout(box);
    inner->addWidget(m_status);
    inner->addLayout(buttons);
    inner->addWidget(m_editor);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(box);

    connect(m_group, &QButtonGroup::idToggled, this, [this] { updateControls(); });
    connect(m_answer, &QPushButton::clicked, this, &ModelSourcePicker::answer);
    if (m_sources) {
        connect(m_sources.get(), &ModelSources::waitingChanged, this,
                [this](const QString &changed) {
                    if (changed == key())
                        showStatus();
                });
    }
    setVisible(false);
}

QRadioButton *ModelSourcePicker::button(ModelSource source) const
{
    return qobject_cast<QRadioButton *>(m_group->button(int(source)));
}

QString ModelSourcePicker::key() const
{
    return m_call.callId.isEmpty() ? QString() : m_call.key();
}

void ModelSourcePicker::setCall(const QString &className, const ObjectId &id,
                                const ModelCallInfo &call)
{
    const bool show = m_sources && call.status == ModelCallInfo::Status::Model;
    setVisible(show);
    if (!show) {
        m_call = {};
        return;
    }
    const ModelCallContext next {className, id, call.id, call.round};
    if (next.key() == key())
        return showStatus(); // the same answer: keep what the user is typing
    m_call = next;
    const std::optional<RecordedReply> recorded = m_sources->recordedFor(key());
    const std::optional<ModelSourceChoice> chosen = m_sources->choice(key());
    button(ModelSource::Recorded)->setEnabled(recorded.has_value());
    button(ModelSource::Recorded)
        ->setToolTip(recorded ? tr("Turn %1 of the original got this reply").arg(recorded->seq)
                              : tr("The original made no such call: nothing was recorded"));
    const ModelSource source = chosen     ? chosen->source
                               : recorded ? ModelSource::Recorded
                                          : ModelSource::Live;
    button(source)->setChecked(true);
    m_editor->setPlainText(chosen && chosen->source == ModelSource::Edited
                               ? chosen->reply.value(QStringLiteral("content")).toString()
                           : recorded ? recorded->reply.content
                                      : QString());
    updateControls();
    showStatus();
}

ModelSourceChoice ModelSourcePicker::currentChoice() const
{
    ModelSourceChoice choice;
    choice.source = ModelSource(m_group->checkedId());
    if (choice.source == ModelSource::Edited) {
        // What the model "said": the recorded reply's facts (model, usage) kept, the text edited.
        const std::optional<RecordedReply> recorded = m_sources->recordedFor(key());
        choice.reply = recorded ? recorded->reply.toJson() : QJsonObject();
        choice.reply.remove(QStringLiteral("toolCalls"));
        choice.reply.remove(QStringLiteral("finishReason"));
        choice.reply.insert(QStringLiteral("content"), m_editor->toPlainText());
    }
    return choice;
}

void ModelSourcePicker::updateControls()
{
    const bool editing = m_group->checkedId() == int(ModelSource::Edited);
    m_editor->setReadOnly(!editing);
    m_editor->setEnabled(editing);
    m_answer->setEnabled(!m_busy && m_group->checkedId() >= 0);
}

void ModelSourcePicker::showStatus()
{
    if (!m_sources || key().isEmpty())
        return;
    if (m_sources->isWaiting(key())) {
        m_status->setText(tr("<b>Waiting for you:</b> this sandbox asks before each model call. "
                             "Choose where the reply comes from, then Answer."));
    } else if (const auto chosen = m_sources->choice(key())) {
        m_status->setText(tr("Chosen: <b>%1</b>. Answer sends the call if it has not gone yet.")
                              .arg(ModelSourceChoice::name(chosen->source)));
    } else {
        m_status->setText(tr("Not sent yet: a sandbox's copy sends its calls when you Answer."));
    }
}

void ModelSourcePicker::answer()
{
    if (m_busy || key().isEmpty())
        return;
    const ModelSourceChoice choice = currentChoice();
    if (choice.source == ModelSource::Edited && m_editor->toPlainText().trimmed().isEmpty()) {
        emit errorOccurred(Error(ErrorCode::InvalidArgument,
                                 tr("Write the edited reply first: it is what the model answers "
                                    "in this sandbox")));
        return;
    }
    m_busy = true;
    updateControls();
    const ModelCallContext call = m_call;
    const std::shared_ptr<ModelSources> sources = m_sources;
    const auto failed = [this](const Error &error) {
        m_busy = false;
        updateControls();
        emit errorOccurred(error);
    };
    // Saving writes a file: never on the GUI thread. Then send what still waits to be sent (a
    // call waiting for this choice is released by it).
    whenReady(
        QtConcurrent::run([sources, call, choice] { sources->choose(call, choice).orThrow(); }),
        this,
        [this, call, failed] {
            whenReady(
                m_inspector->modelCalls().sendWaiting(call.className, call.id), this,
                [this, call](int sent) {
                    m_busy = false;
                    updateControls();
                    showStatus();
                    emit answered(call.callId, sent);
                },
                failed);
        },
        failed);
}

} // namespace Durable::Ui
