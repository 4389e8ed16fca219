// SPDX-License-Identifier: MIT
#include "metricspanel.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <functional>

namespace Durable::Ui {

namespace {

struct Series
{
    QString title;
    QColor color;
    std::function<double(const Metrics &)> value;
    int decimals;
};

QList<Series> allSeries()
{
    return {
        {QObject::tr("Turns/s"), QColor(0x2f, 0x7d, 0xd1),
         [](const Metrics &m) { return m.turnsPerSecond; }, 1},
        {QObject::tr("Commits/s"), QColor(0x2e, 0x9d, 0x4f),
         [](const Metrics &m) { return m.commitsPerSecond; }, 1},
        {QObject::tr("Failures/s"), QColor(0xd1, 0x3b, 0x3b),
         [](const Metrics &m) { return m.failuresPerSecond; }, 2},
        {QObject::tr("Live objects"), QColor(0x7b, 0x4f, 0xd1),
         [](const Metrics &m) { return double(m.liveObjects); }, 0},
        {QObject::tr("Queue depth"), QColor(0xc2, 0x6a, 0x00),
         [](const Metrics &m) { return double(m.queueDepth); }, 0},
    };
}

} // namespace

MetricsPanel::MetricsPanel(QWidget *parent) : QWidget(parent)
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    setAutoFillBackground(false);
}

QSize MetricsPanel::sizeHint() const
{
    return {640, 170};
}

QSize MetricsPanel::minimumSizeHint() const
{
    return {240, 110};
}

void MetricsPanel::addSample(const Durable::Metrics &metrics)
{
    m_samples.push_back(metrics);
    const qint64 horizon = metrics.atMs - qint64(m_historySeconds) * 1000;
    while (m_samples.size() > 2 && m_samples.front().atMs < horizon)
        m_samples.pop_front();
    update();
}

void MetricsPanel::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().base());
    painter.setRenderHint(QPainter::Antialiasing);
    const QList<Series> series = allSeries();
    const int gap = 8;
    const int columns = std::clamp(width() / 200, 1, int(series.size()));
    const int rows = int((series.size() + columns - 1) / columns);
    const int cellWidth = (width() - gap * (columns + 1)) / columns;
    const int cellHeight = (height() - gap * (rows + 1)) / rows;
    QFont titleFont = font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 0.9);
    QFont valueFont = font();
    valueFont.setBold(true);
    valueFont.setPointSizeF(valueFont.pointSizeF() * 1.3);
    const qint64 endMs = m_samples.empty() ? 0 : m_samples.back().atMs;
    // Until the history fills up, the samples there are span the whole width.
    const qint64 startMs = m_samples.empty() ? 0
                                             : std::max(endMs - qint64(m_historySeconds) * 1000,
                                                        m_samples.front().atMs);

    for (int i = 0; i < series.size(); ++i) {
        const Series &s = series.at(i);
        const QRect cell(gap + (i % columns) * (cellWidth + gap),
                         gap + (i / columns) * (cellHeight + gap), cellWidth, cellHeight);
        painter.setPen(palette().color(QPalette::Mid));
        painter.setBrush(palette().color(QPalette::AlternateBase));
        painter.drawRoundedRect(cell.adjusted(0, 0, -1, -1), 4, 4);

        const double current = m_samples.empty() ? 0.0 : s.value(m_samples.back());
        painter.setFont(titleFont);
        painter.setPen(palette().color(QPalette::Text));
        const QRect titleRect = cell.adjusted(8, 4, -8, 0);
        painter.drawText(titleRect, Qt::AlignLeft | Qt::AlignTop, s.title);
        painter.setFont(valueFont);
        painter.setPen(s.color);
        painter.drawText(titleRect, Qt::AlignRight | Qt::AlignTop,
                         QString::number(current, 'f', s.decimals));

        const int top = cell.top() + QFontMetrics(valueFont).height() + 8;
        const QRectF plot(cell.left() + 8, top, cell.width() - 16, cell.bottom() - top - 6);
        if (plot.height() < 10 || m_samples.size() < 2 || endMs <= startMs)
            continue;
        double peak = 0;
        for (const Metrics &m : m_samples)
            peak = std::max(peak, s.value(m));
        const double highest = peak;
        peak = peak <= 0 ? 1.0 : peak * 1.15;
        QPainterPath line;
        bool first = true;
        for (const Metrics &m : m_samples) {
            const double x = plot.left() +
                             plot.width() * double(m.atMs - startMs) / double(endMs - startMs);
            const double y = plot.bottom() - plot.height() * s.value(m) / peak;
            if (first)
                line.moveTo(std::max(x, plot.left()), y);
            else
                line.lineTo(x, y);
            first = false;
        }
        QPainterPath area = line;
        area.lineTo(plot.right(), plot.bottom());
        area.lineTo(std::max(plot.left(), line.elementAt(0).x), plot.bottom());
        area.closeSubpath();
        QColor fill = s.color;
        fill.setAlpha(40);
        painter.setPen(Qt::NoPen);
        painter.setBrush(fill);
        painter.drawPath(area);
        painter.setPen(QPen(s.color, 1.5));
        painter.setBrush(Qt::NoBrush);
        painter.drawPath(line);
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.setFont(titleFont);
        painter.drawText(plot.toRect(), Qt::AlignLeft | Qt::AlignTop,
                         QStringLiteral("max %1").arg(highest, 0, 'f', s.decimals));
    }
}

} // namespace Durable::Ui
