// SPDX-License-Identifier: MIT
#pragma once

// Shared by tst_examples and its SIGKILL child (durable-examples-child).

#include <QPointer>
#include <durable/core/scriptedchatmodel.h>
#include <examples/examples.h>
#include <vector>

namespace DurableExamplesTest {

// The recruitment rules, except that requests mentioning "Holden" never get an answer: a model
// call that is still in flight when the child is killed.
class HoldingModel : public Durable::ChatModel
{
public:
    explicit HoldingModel(Durable::Clock *clock)
        : m_inner(Durable::ScriptedChatModel::fromJson(
                      DurableExamples::exampleRules(QStringLiteral("recruitment")), clock)
                      .value())
    { }
    void complete(const Durable::ChatRequest &request, Done done) override
    {
        if (request.lastUserMessage().contains(QLatin1String("Holden"))) {
            m_held.push_back(std::move(done));
            return;
        }
        m_inner->complete(request, std::move(done));
    }
    QString describe() const override { return QStringLiteral("holding scripted"); }

private:
    std::unique_ptr<Durable::ScriptedChatModel> m_inner;
    std::vector<Done> m_held;
};

} // namespace DurableExamplesTest
