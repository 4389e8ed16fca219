// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>

// A Qt plugin of some other kind (another IID): not an agent package.
class OtherPlugin : public QObject
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID "org.example.SomethingElse/1.0")

public:
    using QObject::QObject;
};
