#!/usr/bin/env python3
"""Builds the 3GPP TS 32.298 BER test files in fixtures/ber/ with an independent encoder.

The BER structure is encoded by asn1tools (PyPI) compiled from the ASN.1 modules in ../shared/corpus
(read at run time, never copied) plus the four stubs in scripts/asn1-stubs/; the octet-string contents
(TBCD, BCD numbers, TimeStamps) are encoded here from their 3GPP definitions. Each .ber file gets a .json
file with the values cdrpipe must decode (numbers normalised under the UK plan).

Usage: pip install asn1tools && python3 scripts/make-ber-testdata.py
"""
import glob
import json
import os
import random
import struct

import asn1tools

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(os.path.dirname(ROOT), "shared", "corpus")
OUT = os.path.join(ROOT, "fixtures", "ber")


def compile_spec():
    sig = os.path.join(CORPUS, "3gpp-ts32298-asn1", "sigscale-cgf_32298-v17.9.0")
    pyc = os.path.join(CORPUS, "3gpp-ts32298-asn1", "pycrate_MAP-CAP-dependencies")
    files = [f for f in glob.glob(sig + "/*.asn1") if not any(x in f for x in ("Attribute", "GPRS", "MMTel", "SMS"))]
    files += [f for f in glob.glob(pyc + "/*.asn") if not any(x in f for x in ("CAP-classes", "CAP-datatypes", "MAP-ExtensionDataTypes"))]
    files += glob.glob(os.path.join(ROOT, "scripts", "asn1-stubs", "*.asn"))
    files.append(os.path.join(CORPUS, "huawei-cs-asn1", "Huawei-CS.asn1"))
    return asn1tools.compile_files(files, "ber")


def tbcd(digits):
    """TBCD: two digits per octet, low nibble first, F filler."""
    nibbles = [int(d) for d in digits] + ([0xF] if len(digits) % 2 else [])
    return bytes(nibbles[i] | nibbles[i + 1] << 4 for i in range(0, len(nibbles), 2))


def address(digits, international=True):
    """AddressString: extension bit, nature of address (1 international, 2 national), ISDN plan, TBCD."""
    return bytes([0x91 if international else 0xA1]) + tbcd(digits)


def bcd_number(digits, international=True, with_presentation=False):
    """BCDDirectoryNumber (TS 24.008): type-of-number octet, optional octet 3a, TBCD digits."""
    ton = 0x10 if international else 0x20
    if with_presentation:
        return bytes([ton | 0x01, 0x80]) + tbcd(digits)
    return bytes([0x80 | ton | 0x01]) + tbcd(digits)


def bcd(value):
    return (value // 10) << 4 | value % 10


def timestamp(epoch, offset_minutes):
    """TimeStamp: BCD YYMMDDhhmmss of local time, ASCII sign, BCD hhmm of the offset from UTC."""
    import datetime

    local = datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc) + datetime.timedelta(minutes=offset_minutes)
    sign = b"+" if offset_minutes >= 0 else b"-"
    off = abs(offset_minutes)
    return bytes(bcd(v) for v in (local.year % 100, local.month, local.day, local.hour, local.minute, local.second)) \
        + sign + bytes([bcd(off // 60), bcd(off % 60)])


def mcc_mnc(mcc, mnc):
    """MCC-MNC as in TS 24.008: MCC2|MCC1, MNC3|MCC3, MNC2|MNC1 (F when the MNC has two digits)."""
    m3 = int(mnc[2]) if len(mnc) == 3 else 0xF
    return bytes([int(mcc[1]) << 4 | int(mcc[0]), m3 << 4 | int(mcc[2]), int(mnc[1]) << 4 | int(mnc[0])])


def build(spec, count, seed):
    cs = spec.modules["CSChargingDataTypes"]["CSRecord"]
    huawei = spec.modules["Huawei-CS"]["CallEventRecord"]
    rng = random.Random(seed)
    records, expected = [], []
    for n in range(1, count + 1):
        kind = ["mo", "mt", "cf"][n % 3]
        served = "4479%08d" % rng.randrange(10**8)
        other = "4420%08d" % rng.randrange(10**8)
        imsi = "23415%010d" % rng.randrange(10**10)
        imei = "35%012d0" % rng.randrange(10**12)
        seizure = 1767600000 + n * 97
        answered = n % 4 != 0
        offset = [0, 60, -300][n % 3]
        ring = 3 + n % 9
        talk = 10 + rng.randrange(600)
        answer = seizure + ring if answered else None
        release = (answer + talk) if answered else seizure + ring
        duration = talk if answered else ring
        reference = bytes([n % 256, (n >> 8) % 256, 0x42])
        trunk = "TG-%d" % (n % 5)
        fields = {
            "servedIMSI": tbcd(imsi),
            "servedIMEI": tbcd(imei),
            "servedMSISDN": address(served),
            "recordingEntity": address("447700900001"),
            "mscIncomingTKGP": ("tkgpName", trunk),
            "location": {"locationAreaCode": b"\x12\x34", "cellId": bytes([0x56, n % 256]), "mCC-MNC": mcc_mnc("234", "15")},
            "seizureTime": timestamp(seizure, offset),
            "releaseTime": timestamp(release, offset),
            "callDuration": duration,
            "causeForTerm": 0 if answered else 3,
            "callReference": reference,
            "sequenceNumber": n,
        }
        if answered:
            fields["answerTime"] = timestamp(answer, offset)
        calling, dialled, diverting = "+" + served, "+" + other, []
        if kind == "mo":
            fields["recordType"] = 0
            fields["calledNumber"] = bcd_number(other, with_presentation=(n % 2 == 0))
            encoded = cs.encode(("moCallRecord", fields))
        elif kind == "mt":
            fields["recordType"] = 1
            fields["callingNumber"] = bcd_number(other)
            calling, dialled = "+" + other, "+" + served
            encoded = cs.encode(("mtCallRecord", fields))
        else:
            forwarded_to = "4477%08d" % rng.randrange(10**8)
            fields["recordType"] = 100
            fields["callingNumber"] = bcd_number(other)
            fields["calledNumber"] = bcd_number(forwarded_to)
            fields["originalCalledNumber"] = bcd_number(served)
            del fields["mscIncomingTKGP"]
            fields["mscIncomingROUTE"] = ("routeName", trunk)
            calling, dialled, diverting = "+" + other, "+" + forwarded_to, ["+" + served]
            encoded = huawei.encode(("forwardCallRecord", fields))
            assert huawei.decode(encoded)[1]["mscIncomingROUTE"] == ("routeName", trunk)
        records.append(encoded)
        expected.append({
            "record": n, "kind": kind, "calling": calling, "dialled": dialled, "diverting": diverting,
            "start": seizure, "answer": answer, "end": release, "duration": release - seizure,
            "billable": duration if answered else 0, "disposition": "answered" if answered else "failed",
            "carrier": trunk, "channel": "+447700900001", "sourceID": reference.hex(), "imsi": imsi, "imei": imei,
            "cell": "23415-1234-56%02x" % (n % 256),
        })
    return records, expected


def indefinite(record):
    """Re-wraps a record's outer TLV with the indefinite length form."""
    tag_length = 2 if record[0] & 0x1F == 0x1F else 1
    first_length = record[tag_length]
    length_octets = 1 + (first_length & 0x7F if first_length & 0x80 else 0)
    content = record[tag_length + length_octets:]
    return record[:tag_length] + b"\x80" + content + b"\x00\x00"


def ts32297(records):
    """A TS 32.297 CDR file: file header, then each CDR behind a 5-octet CDR header."""
    body = b"".join(struct.pack(">H", len(r)) + bytes([0xA7, 0x0F, 0x00]) + r for r in records)
    header = struct.pack(">II", 0, 0) + bytes([0xA7, 0xA7]) + struct.pack(">IIII", 0, 0, len(records), 1) \
        + bytes([0]) + bytes(20) + bytes([0]) + struct.pack(">H", 0) + struct.pack(">H", 0) + bytes([0, 0])
    header = struct.pack(">II", len(header) + len(body), len(header)) + header[8:]
    return header + body


def main():
    spec = compile_spec()
    os.makedirs(OUT, exist_ok=True)
    records, expected = build(spec, 30, seed=7)
    variants = {
        "cs-records.ber": b"".join(records),
        "cs-records-indefinite.ber": b"".join(indefinite(r) if i % 2 else r for i, r in enumerate(records)),
        "cs-records-ts32297.ber": ts32297(records),
    }
    for name, data in variants.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    with open(os.path.join(OUT, "cs-records.json"), "w") as f:
        json.dump(expected, f, indent=1)
    print("wrote", ", ".join(variants), "and cs-records.json to", OUT)


if __name__ == "__main__":
    main()
