// SPDX-License-Identifier: MIT
#include <durable/core/v8valuedecoder.h>

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtEndian>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>

namespace Durable {

namespace {

// The tags of V8's ValueSerializer (v8/src/objects/value-serializer.cc, SerializationTag).
enum Tag : uchar {
    Version = 0xFF,
    Padding = '\0',
    Undefined = '_',
    Null = '0',
    True = 'T',
    False = 'F',
    Int32 = 'I',
    Uint32 = 'U',
    Double = 'N',
    BigInt = 'Z',
    Utf8String = 'S',
    OneByteString = '"',
    TwoByteString = 'c',
    ObjectReference = '^',
    BeginObject = 'o',
    EndObject = '{',
    BeginSparseArray = 'a',
    EndSparseArray = '@',
    BeginDenseArray = 'A',
    EndDenseArray = '$',
    Date = 'D',
    TrueObject = 'y',
    FalseObject = 'x',
    NumberObject = 'n',
    BigIntObject = 'z',
    StringObject = 's',
    RegExp = 'R',
    BeginMap = ';',
    EndMap = ':',
    BeginSet = '\'',
    EndSet = ',',
    ArrayBuffer = 'B',
    ResizableArrayBuffer = '~',
    ArrayBufferView = 'V',
    ErrorObject = 'r',
    TheHole = '-',
};

constexpr int s_maxDepth = 200;
constexpr qsizetype s_maxHexBytes = 4096;
// Sparse arrays longer than this show as {"$sparseArray": length, "entries": {...}}.
constexpr quint64 s_maxSparseFill = 10000;

QString hex(QByteArrayView bytes)
{
    if (bytes.size() <= s_maxHexBytes)
        return QString::fromLatin1(bytes.toByteArray().toHex());
    return QString::fromLatin1(bytes.first(s_maxHexBytes).toByteArray().toHex()) +
           QStringLiteral("… (%1 bytes)").arg(bytes.size());
}

QJsonObject tagged(const QString &kind, const QJsonValue &value)
{
    return QJsonObject {{kind, value}};
}

QJsonValue number(double value)
{
    if (std::isnan(value))
        return tagged(QStringLiteral("$number"), QStringLiteral("NaN"));
    if (std::isinf(value))
        return tagged(QStringLiteral("$number"),
                      value > 0 ? QStringLiteral("Infinity") : QStringLiteral("-Infinity"));
    // Whole numbers stay integers in JSON text ("42", not "42.0").
    if (value == std::trunc(value) && std::fabs(value) < 9007199254740992.0)
        return QJsonValue(qint64(value));
    return value;
}

QString viewName(uchar subtag)
{
    switch (subtag) {
    case 'b':
        return QStringLiteral("Int8Array");
    case 'B':
        return QStringLiteral("Uint8Array");
    case 'C':
        return QStringLiteral("Uint8ClampedArray");
    case 'w':
        return QStringLiteral("Int16Array");
    case 'W':
        return QStringLiteral("Uint16Array");
    case 'd':
        return QStringLiteral("Int32Array");
    case 'D':
        return QStringLiteral("Uint32Array");
    case 'h':
        return QStringLiteral("Float16Array");
    case 'f':
        return QStringLiteral("Float32Array");
    case 'F':
        return QStringLiteral("Float64Array");
    case 'q':
        return QStringLiteral("BigInt64Array");
    case 'Q':
        return QStringLiteral("BigUint64Array");
    case '?':
        return QStringLiteral("DataView");
    default:
        return {};
    }
}

class Reader
{
public:
    explicit Reader(QByteArrayView bytes)
        : m_begin(reinterpret_cast<const uchar *>(bytes.data())), m_pos(m_begin),
          m_end(m_begin + bytes.size())
    { }

    V8ValueDecoder::Decoded decode()
    {
        V8ValueDecoder::Decoded result;
        if (m_pos < m_end && *m_pos == Version) {
            ++m_pos;
            quint64 version = 0;
            if (!readVarint(version)) {
                result.value = fail(QStringLiteral("the version header is cut short"));
                result.error = m_error;
                return result;
            }
            m_version = version;
        }
        result.value = readValue(0);
        if (!m_failed) {
            skipPadding();
            if (m_pos < m_end) {
                m_error = QStringLiteral("%1 bytes after the value at offset %2")
                              .arg(m_end - m_pos)
                              .arg(m_pos - m_begin);
            }
        }
        result.error = m_error;
        return result;
    }

private:
    // Marks the value as undecodable from the current tag on and stops every reader above.
    QJsonValue fail(const QString &why)
    {
        if (!m_failed) {
            m_failed = true;
            m_error = QStringLiteral("%1 (offset %2)").arg(why).arg(m_tagStart - m_begin);
        }
        const QByteArrayView rest(m_tagStart, m_end - m_tagStart);
        return QJsonObject {{QStringLiteral("$undecoded"), hex(rest)},
                            {QStringLiteral("$error"), why}};
    }

    qsizetype remaining() const { return m_end - m_pos; }

    void skipPadding()
    {
        while (m_pos < m_end && *m_pos == Padding)
            ++m_pos;
    }

    bool readVarint(quint64 &out)
    {
        out = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (m_pos >= m_end)
                return false;
            const uchar byte = *m_pos++;
            out |= quint64(byte & 0x7F) << shift;
            if (!(byte & 0x80))
                return true;
        }
        return false; // more than ten bytes
    }

    bool readTag(uchar &tag)
    {
        skipPadding();
        m_tagStart = m_pos;
        if (m_pos >= m_end)
            return false;
        tag = *m_pos++;
        return true;
    }

    // The next tag without consuming it (padding is consumed).
    bool peekTag(uchar &tag)
    {
        skipPadding();
        if (m_pos >= m_end)
            return false;
        tag = *m_pos;
        return true;
    }

    bool readBytes(quint64 length, QByteArrayView &out)
    {
        if (length > quint64(remaining()))
            return false;
        out = QByteArrayView(m_pos, qsizetype(length));
        m_pos += length;
        return true;
    }

    bool readDouble(double &out)
    {
        if (remaining() < 8)
            return false;
        out = qFromLittleEndian<double>(m_pos);
        m_pos += 8;
        return true;
    }

    // The string after a string tag; nullopt with the failure set if it is not one.
    std::optional<QString> readStringAfterTag(uchar tag)
    {
        quint64 length = 0;
        QByteArrayView bytes;
        if (!readVarint(length) || !readBytes(length, bytes)) {
            fail(QStringLiteral("a string is cut short"));
            return std::nullopt;
        }
        switch (tag) {
        case OneByteString:
            return QString::fromLatin1(bytes);
        case Utf8String:
            return QString::fromUtf8(bytes);
        case TwoByteString: {
            if (bytes.size() % 2) {
                fail(QStringLiteral("a two-byte string has an odd length"));
                return std::nullopt;
            }
            QString text(bytes.size() / 2, Qt::Uninitialized);
            for (qsizetype i = 0; i < text.size(); ++i)
                text[i] = QChar(qFromLittleEndian<quint16>(bytes.data() + 2 * i));
            return text;
        }
        default:
            fail(QStringLiteral("expected a string"));
            return std::nullopt;
        }
    }

    std::optional<QString> readString()
    {
        uchar tag = 0;
        if (!readTag(tag)) {
            fail(QStringLiteral("expected a string, found the end"));
            return std::nullopt;
        }
        return readStringAfterTag(tag);
    }

    // An object key: a string or a number (array indices and numeric keys).
    std::optional<QString> keyText(const QJsonValue &key)
    {
        if (key.isString())
            return key.toString();
        if (key.isDouble())
            return key.toVariant().toString();
        fail(QStringLiteral("an object key is neither a string nor a number"));
        return std::nullopt;
    }

    // Key/value pairs up to endTag, into properties; false once failed.
    bool readProperties(uchar endTag, int depth, QJsonObject &properties)
    {
        while (!m_failed) {
            uchar tag = 0;
            if (!peekTag(tag)) {
                m_tagStart = m_pos;
                properties.insert(QStringLiteral("$undecoded"),
                                  fail(QStringLiteral("an object is cut short")));
                return false;
            }
            if (tag == endTag) {
                ++m_pos;
                return true;
            }
            const QJsonValue key = readValue(depth + 1);
            if (m_failed) {
                properties.insert(QStringLiteral("$undecoded"), key);
                return false;
            }
            const std::optional<QString> name = keyText(key);
            if (!name) {
                properties.insert(QStringLiteral("$undecoded"), key);
                return false;
            }
            properties.insert(*name, readValue(depth + 1));
        }
        return false;
    }

    bool readVarints(int count)
    {
        quint64 ignored = 0;
        for (int i = 0; i < count; ++i) {
            if (!readVarint(ignored))
                return false;
        }
        return true;
    }

    QJsonValue readArrayBuffer(uchar tag)
    {
        ++m_nextId;
        quint64 length = 0;
        QByteArrayView bytes;
        if (!readVarint(length))
            return fail(QStringLiteral("an ArrayBuffer is cut short"));
        if (tag == ResizableArrayBuffer && !readVarints(1))
            return fail(QStringLiteral("an ArrayBuffer is cut short"));
        if (!readBytes(length, bytes))
            return fail(QStringLiteral("an ArrayBuffer is cut short"));
        uchar next = 0;
        if (!peekTag(next) || next != ArrayBufferView)
            return tagged(QStringLiteral("$arrayBuffer"), hex(bytes));
        uchar viewTag = 0;
        readTag(viewTag);
        ++m_nextId;
        quint64 offset = 0;
        quint64 viewLength = 0;
        if (m_pos >= m_end)
            return fail(QStringLiteral("an ArrayBuffer view is cut short"));
        const uchar subtag = *m_pos++;
        if (!readVarint(offset) || !readVarint(viewLength) || (m_version >= 14 && !readVarints(1)))
            return fail(QStringLiteral("an ArrayBuffer view is cut short"));
        const QString name = viewName(subtag);
        if (name.isEmpty())
            return fail(QStringLiteral("unknown ArrayBuffer view type 0x%1")
                            .arg(subtag, 2, 16, QLatin1Char('0')));
        if (offset > quint64(bytes.size()) || viewLength > quint64(bytes.size()) - offset)
            return fail(QStringLiteral("an ArrayBuffer view lies outside its buffer"));
        return tagged(QLatin1Char('$') + name,
                      hex(bytes.sliced(qsizetype(offset), qsizetype(viewLength))));
    }

    QJsonValue readBigInt()
    {
        quint64 bitfield = 0;
        QByteArrayView digits;
        if (!readVarint(bitfield) || !readBytes(bitfield >> 1, digits))
            return fail(QStringLiteral("a BigInt is cut short"));
        const bool negative = bitfield & 1;
        QString text;
        if (digits.size() <= 8) {
            quint64 magnitude = 0;
            for (qsizetype i = digits.size() - 1; i >= 0; --i)
                magnitude = (magnitude << 8) | uchar(digits.at(i));
            text = QString::number(magnitude);
        } else {
            QByteArray bigEndian = digits.toByteArray();
            std::reverse(bigEndian.begin(), bigEndian.end());
            text = QStringLiteral("0x") + QString::fromLatin1(bigEndian.toHex());
        }
        if (negative && text != QLatin1String("0"))
            text.prepend(QLatin1Char('-'));
        return tagged(QStringLiteral("$bigint"), text);
    }

    QJsonValue readRegExp()
    {
        ++m_nextId;
        const std::optional<QString> pattern = readString();
        if (!pattern)
            return QJsonValue(fail(QStringLiteral("a RegExp is cut short")));
        quint64 flags = 0;
        if (!readVarint(flags))
            return fail(QStringLiteral("a RegExp is cut short"));
        // Bits as V8's JSRegExp::Flags; letters in the order JavaScript prints them.
        static const struct
        {
            quint64 bit;
            char letter;
        } s_flags[] = {{128, 'd'}, {1, 'g'},  {2, 'i'},   {4, 'm'},
                       {32, 's'},  {16, 'u'}, {256, 'v'}, {8, 'y'}};
        QString letters;
        for (const auto &flag : s_flags) {
            if (flags & flag.bit)
                letters += QLatin1Char(flag.letter);
        }
        return tagged(QStringLiteral("$regexp"),
                      QLatin1Char('/') + *pattern + QLatin1Char('/') + letters);
    }

    QJsonValue readError(int depth)
    {
        ++m_nextId;
        QJsonObject error;
        while (!m_failed) {
            uchar tag = 0;
            if (!readTag(tag))
                return fail(QStringLiteral("an Error is cut short"));
            switch (tag) {
            case '.':
                return tagged(QStringLiteral("$error"), error);
            case 'E':
                error.insert(QStringLiteral("name"), QStringLiteral("EvalError"));
                break;
            case 'R':
                error.insert(QStringLiteral("name"), QStringLiteral("RangeError"));
                break;
            case 'F':
                error.insert(QStringLiteral("name"), QStringLiteral("ReferenceError"));
                break;
            case 'S':
                error.insert(QStringLiteral("name"), QStringLiteral("SyntaxError"));
                break;
            case 'T':
                error.insert(QStringLiteral("name"), QStringLiteral("TypeError"));
                break;
            case 'U':
                error.insert(QStringLiteral("name"), QStringLiteral("URIError"));
                break;
            case 'm':
            case 's': {
                const std::optional<QString> text = readString();
                if (!text)
                    return QJsonValue(fail(QStringLiteral("an Error is cut short")));
                error.insert(tag == 'm' ? QStringLiteral("message") : QStringLiteral("stack"),
                             *text);
                break;
            }
            case 'c':
                error.insert(QStringLiteral("cause"), readValue(depth + 1));
                break;
            default:
                return fail(
                    QStringLiteral("unknown Error field 0x%1").arg(tag, 2, 16, QLatin1Char('0')));
            }
        }
        return tagged(QStringLiteral("$error"), error);
    }

    QJsonValue readDenseArray(int depth)
    {
        ++m_nextId;
        quint64 length = 0;
        if (!readVarint(length))
            return fail(QStringLiteral("an array is cut short"));
        QJsonArray elements;
        // Every element takes at least one byte: the loop ends at the data's end, whatever
        // length says.
        for (quint64 i = 0; i < length && !m_failed; ++i) {
            if (m_pos >= m_end) {
                m_tagStart = m_pos;
                elements.append(fail(QStringLiteral("an array is cut short")));
                return elements;
            }
            elements.append(readValue(depth + 1));
        }
        QJsonObject properties;
        if (m_failed || !readProperties(EndDenseArray, depth, properties)) {
            if (!properties.isEmpty())
                elements.append(properties);
            return elements;
        }
        if (!readVarints(2)) {
            m_tagStart = m_pos;
            elements.append(fail(QStringLiteral("an array's end is cut short")));
            return elements;
        }
        if (properties.isEmpty())
            return elements;
        return QJsonObject {{QStringLiteral("$array"), elements},
                            {QStringLiteral("$properties"), properties}};
    }

    QJsonValue readSparseArray(int depth)
    {
        ++m_nextId;
        quint64 length = 0;
        if (!readVarint(length))
            return fail(QStringLiteral("an array is cut short"));
        QJsonObject entries;
        const bool complete = readProperties(EndSparseArray, depth, entries);
        if (complete && !readVarints(2))
            entries.insert(QStringLiteral("$undecoded"),
                           fail(QStringLiteral("an array's end is cut short")));
        if (!complete || m_failed || length > s_maxSparseFill)
            return QJsonObject {{QStringLiteral("$sparseArray"), qint64(length)},
                                {QStringLiteral("entries"), entries}};
        QJsonArray elements;
        const QJsonObject hole = tagged(QStringLiteral("$hole"), true);
        for (quint64 i = 0; i < length; ++i) {
            const QString index = QString::number(i);
            elements.append(entries.contains(index) ? entries.take(index) : QJsonValue(hole));
        }
        if (entries.isEmpty())
            return elements;
        return QJsonObject {{QStringLiteral("$array"), elements},
                            {QStringLiteral("$properties"), entries}};
    }

    // Values up to endTag, for Map and Set.
    QJsonValue readCollection(uchar endTag, const QString &kind, bool pairs, int depth)
    {
        ++m_nextId;
        QJsonArray items;
        QJsonArray pair;
        while (!m_failed) {
            uchar tag = 0;
            if (!peekTag(tag)) {
                m_tagStart = m_pos;
                items.append(fail(kind.mid(1) + QStringLiteral(" is cut short")));
                break;
            }
            if (tag == endTag) {
                ++m_pos;
                if (!readVarints(1)) {
                    m_tagStart = m_pos;
                    items.append(fail(kind.mid(1) + QStringLiteral("'s end is cut short")));
                }
                break;
            }
            const QJsonValue item = readValue(depth + 1);
            if (!pairs) {
                items.append(item);
                continue;
            }
            pair.append(item);
            if (pair.size() == 2) {
                items.append(pair);
                pair = {};
            }
        }
        if (!pair.isEmpty())
            items.append(pair);
        return tagged(kind, items);
    }

    QJsonValue readValue(int depth)
    {
        if (m_failed)
            return QJsonValue::Null;
        uchar tag = 0;
        if (!readTag(tag))
            return fail(QStringLiteral("expected a value, found the end"));
        if (depth > s_maxDepth)
            return fail(QStringLiteral("nested deeper than %1").arg(s_maxDepth));
        switch (tag) {
        case Undefined:
            return tagged(QStringLiteral("$undefined"), true);
        case Null:
            return QJsonValue::Null;
        case True:
            return true;
        case False:
            return false;
        case TheHole:
            return tagged(QStringLiteral("$hole"), true);
        case Int32: {
            quint64 raw = 0;
            if (!readVarint(raw))
                return fail(QStringLiteral("an integer is cut short"));
            const quint32 zigzag = quint32(raw);
            return qint64(qint32((zigzag >> 1) ^ (~(zigzag & 1) + 1)));
        }
        case Uint32: {
            quint64 raw = 0;
            if (!readVarint(raw))
                return fail(QStringLiteral("an integer is cut short"));
            return qint64(quint32(raw));
        }
        case Double: {
            double value = 0;
            if (!readDouble(value))
                return fail(QStringLiteral("a number is cut short"));
            return number(value);
        }
        case NumberObject: {
            ++m_nextId;
            double value = 0;
            if (!readDouble(value))
                return fail(QStringLiteral("a number is cut short"));
            return tagged(QStringLiteral("$Number"), number(value));
        }
        case Date: {
            ++m_nextId;
            double ms = 0;
            if (!readDouble(ms))
                return fail(QStringLiteral("a date is cut short"));
            if (!std::isfinite(ms) || std::fabs(ms) > 8.64e15)
                return tagged(QStringLiteral("$date"), QStringLiteral("Invalid Date"));
            return tagged(
                QStringLiteral("$date"),
                QDateTime::fromMSecsSinceEpoch(qint64(ms), Qt::UTC).toString(Qt::ISODateWithMs));
        }
        case BigInt:
            return readBigInt();
        case BigIntObject: {
            ++m_nextId;
            const QJsonValue value = readBigInt();
            return m_failed ? value : tagged(QStringLiteral("$BigInt"), value);
        }
        case TrueObject:
        case FalseObject:
            ++m_nextId;
            return tagged(QStringLiteral("$Boolean"), tag == TrueObject);
        case OneByteString:
        case TwoByteString:
        case Utf8String: {
            const std::optional<QString> text = readStringAfterTag(tag);
            return text ? QJsonValue(*text) : fail(m_error);
        }
        case StringObject: {
            ++m_nextId;
            const std::optional<QString> text = readString();
            return text ? QJsonValue(tagged(QStringLiteral("$String"), *text)) : fail(m_error);
        }
        case ObjectReference: {
            quint64 id = 0;
            if (!readVarint(id))
                return fail(QStringLiteral("an object reference is cut short"));
            return tagged(QStringLiteral("$ref"), qint64(quint32(id)));
        }
        case BeginObject: {
            ++m_nextId;
            QJsonObject properties;
            if (readProperties(EndObject, depth, properties) && !readVarints(1))
                properties.insert(QStringLiteral("$undecoded"),
                                  fail(QStringLiteral("an object's end is cut short")));
            return properties;
        }
        case BeginDenseArray:
            return readDenseArray(depth);
        case BeginSparseArray:
            return readSparseArray(depth);
        case BeginMap:
            return readCollection(EndMap, QStringLiteral("$map"), true, depth);
        case BeginSet:
            return readCollection(EndSet, QStringLiteral("$set"), false, depth);
        case RegExp:
            return readRegExp();
        case ArrayBuffer:
        case ResizableArrayBuffer:
            return readArrayBuffer(tag);
        case ErrorObject:
            return readError(depth);
        default:
            return fail(QStringLiteral("unknown tag 0x%1").arg(tag, 2, 16, QLatin1Char('0')));
        }
    }

    const uchar *m_begin;
    const uchar *m_pos;
    const uchar *m_end;
    const uchar *m_tagStart = m_pos;
    quint64 m_version = 0;
    quint32 m_nextId = 0;
    bool m_failed = false;
    QString m_error;
};

} // namespace

V8ValueDecoder::Decoded V8ValueDecoder::decode(QByteArrayView bytes)
{
    if (bytes.isEmpty())
        return {QJsonValue::Null, QStringLiteral("no bytes")};
    return Reader(bytes).decode();
}

QString V8ValueDecoder::toText(const QJsonValue &value)
{
    // QJsonDocument writes objects and arrays only: wrap and unwrap.
    const QByteArray text = QJsonDocument(QJsonArray {value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(text.sliced(1, text.size() - 2));
}

} // namespace Durable
