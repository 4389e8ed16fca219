// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/inspectiontypes.h>

#include <QWidget>

#include <deque>

namespace Durable::Ui {

// Live engine figures over the last minutes (turns/s, commits/s, failures/s, live objects,
// queue depth), each as a small chart painted with QPainter. Feed it Inspector::metricsUpdated.
// GUI thread only.
class MetricsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit MetricsPanel(QWidget *parent = nullptr);

    // How much history the charts show.
    void setHistorySeconds(int seconds) { m_historySeconds = seconds; }
    qsizetype sampleCount() const { return qsizetype(m_samples.size()); }
    Metrics latest() const { return m_samples.empty() ? Metrics {} : m_samples.back(); }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

public slots:
    void addSample(const Durable::Metrics &metrics);

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    std::deque<Metrics> m_samples;
    int m_historySeconds = 300;
};

} // namespace Durable::Ui
