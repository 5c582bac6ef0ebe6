#!/usr/bin/env python3
"""Builds the 3GPP TS 32.298 BER test files in fixtures/ber/ with an independent encoder.

The BER structure is encoded by asn1tools (PyPI) compiled from the ASN.1 modules in ../shared/corpus
(read at run time, never copied) plus the four stubs in scripts/asn1-stubs/; the octet-string contents
(TBCD, BCD numbers, TimeStamps) are encoded here from their 3GPP definitions. Each .ber file gets a .json
file with the values cdrpipe must decode (numbers normalised under the UK plan).

It also builds msc-file.ber: an MSC CallEventDataFile (header, records, trailer, long-form lengths) holding
every voice-call record kind but MO/MT/forwarding (roaming, gateways, transit, terminating CAMEL, MTRF), a
long call cut into three partial records, and SMS and HLR records that describe no call; msc-file.json
lists what cdrpipe must make of it, and msc-file-cut.ber is the same file with one record cut out (its
trailer still counts it).

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


def tlv(tag, content):
    """A context-specific constructed TLV, long-form length when over 127 octets."""
    if len(content) < 128:
        length = bytes([len(content)])
    else:
        octets = len(content).to_bytes((len(content).bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(octets)]) + octets
    return bytes([tag]) + length + content


def retag(encoded, tag):
    """Implicitly re-tags an encoded SEQUENCE (30 ...) as a context-specific constructed [n]."""
    assert encoded[0] == 0x30
    return bytes([0xA0 | tag]) + encoded[1:]


def long_form(encoded):
    """Re-encodes an outer length in the long form of 3 octets (`30 83 xx xx xx`), as MSCs write it."""
    first = encoded[1]
    octets = 1 + (first & 0x7F if first & 0x80 else 0)
    length = int.from_bytes(encoded[2:1 + octets], "big") if first & 0x80 else first
    return encoded[:1] + bytes([0x83]) + length.to_bytes(3, "big") + encoded[1 + octets:]


def build_msc(spec):
    """The records of one MSC file, their expected decodes and the file's header and trailer."""
    cs = spec.modules["CSChargingDataTypes"]["CSRecord"]
    entity = address("8613900022")
    base = 1767600000
    records, expected = [], []

    def call(choice, fields, kind, calling, dialled, seizure, answer, release, trunk_in, trunk_out, part=0):
        fields.update({
            "callDuration": (release - answer) if answer else 0,
            "causeForTerm": 0,
        })
        records.append(cs.encode((choice, fields)))
        expected.append({
            "record": len(records), "kind": kind, "calling": calling, "dialled": dialled,
            "start": seizure, "answer": answer, "end": release, "duration": release - seizure,
            "billable": (release - answer) if answer else 0, "carrier": trunk_in, "egress": trunk_out,
            "part": part,
        })

    def trunks(incoming, outgoing, tag_in, tag_out):
        return {tag_in: ("tkgpName", incoming), tag_out: ("tkgpName", outgoing)}

    s = base + 100
    fields = {"recordType": 3, "callingNumber": bcd_number("442071234567"), "calledNumber": bcd_number("8613905228809"),
              "recordingEntity": entity, "seizureTime": timestamp(s, 480), "answerTime": timestamp(s + 4, 480),
              "releaseTime": timestamp(s + 64, 480), "callReference": b"\x00\x01\x01"}
    fields.update(trunks("INTL-IN", "RNC34", "mscIncomingTKGP", "mscOutgoingTKGP"))
    call("incGatewayRecord", fields, "gateway-in", "+442071234567", "+8613905228809", s, s + 4, s + 64, "INTL-IN", "RNC34")

    s = base + 200
    fields = {"recordType": 4, "callingNumber": bcd_number("8613905228809"), "calledNumber": bcd_number("2693123456"),
              "recordingEntity": entity, "seizureTime": timestamp(s, 480), "answerTime": timestamp(s + 9, 480),
              "releaseTime": timestamp(s + 20, 480), "callReference": b"\x00\x01\x02"}
    fields.update(trunks("RNC34", "INTL-OUT", "mscIncomingTKGP", "mscOutgoingTKGP"))
    call("outGatewayRecord", fields, "gateway-out", "+8613905228809", "+2693123456", s, s + 9, s + 20, "RNC34", "INTL-OUT")

    s = base + 300
    fields = {"recordType": 5, "callingNumber": bcd_number("13905520464", international=False),
              "calledNumber": bcd_number("13905228809", international=False), "recordingEntity": entity,
              "seizureTimestamp": timestamp(s, 480), "answerTimestamp": timestamp(s + 2, 480),
              "releaseTimestamp": timestamp(s + 30, 480), "callReference": b"\x00\x01\x03"}
    fields.update(trunks("SCTP_IN", "SCTP_OUT", "mscIncomingTKGP", "mscOutgoingTKGP"))
    call("transitRecord", fields, "transit", "+8613905520464", "+8613905228809", s, s + 2, s + 30, "SCTP_IN", "SCTP_OUT")

    s = base + 400
    fields = {"recordType": 2, "servedIMSI": tbcd("460077552000464"), "servedMSISDN": address("8613905520464"),
              "callingNumber": bcd_number("8613905228809"), "roamingNumber": address("13900022407", False),
              "recordingEntity": entity, "seizureTime": timestamp(s, 480), "answerTime": timestamp(s + 5, 480),
              "releaseTime": timestamp(s + 13, 480), "callReference": b"\x00\x01\x04"}
    fields.update(trunks("RNC34", "ROAM-OUT", "mscIncomingTKGP", "mscOutgoingTKGP"))
    call("roamingRecord", fields, "roaming", "+8613905228809", "+8613905520464", s, s + 5, s + 13, "RNC34", "ROAM-OUT")

    s = base + 500
    fields = {"recordType": 1, "servedIMSI": tbcd("460077552000230"), "servedMSISDN": address("8613905220230"),
              "callingNumber": bcd_number("8613905220229"), "recordingEntity": entity,
              "seizureTime": timestamp(s, 480), "answerTime": timestamp(s + 3, 480),
              "releaseTime": timestamp(s + 7, 480), "callReference": b"\x00\x01\x05"}
    fields.update(trunks("RNC35", "MTRF-OUT", "mscIncomingTKGP", "mscOutgoingTKGP"))
    call("mMTRFRecord", fields, "mtrf", "+8613905220229", "+8613905220230", s, s + 3, s + 7, "RNC35", "MTRF-OUT")

    s = base + 600
    fields = {"recordtype": 16, "servedIMSI": tbcd("460077552000231"), "servedMSISDN": address("8613905220231"),
              "recordingEntity": entity, "interrogationTime": timestamp(s, 480),
              "destinationRoutingAddress": [bcd_number("8613905220231")],
              "gsm-SCFAddress": address("8613179878"), "serviceKey": 17,
              "calledNumber": bcd_number("13905220231", international=False),
              "callingNumber": bcd_number("8613905220229"), "answerTime": timestamp(s + 5, 480),
              "releaseTime": timestamp(s + 9, 480), "callReference": b"\x00\x01\x06"}
    fields.update(trunks("CAMEL-IN", "CAMEL-OUT", "mscIncomingTKGP", "mscOutgoingTKGP"))
    call("termCAMELRecord", fields, "camel-terminating", "+8613905220229", "+8613905220231", s, s + 5, s + 9,
         "CAMEL-IN", "CAMEL-OUT")

    records.append(cs.encode(("moSMSRecord", {
        "recordType": 6, "servedIMSI": tbcd("460077552000464"), "serviceCentre": address("8613800200500"),
        "recordingEntity": entity, "messageReference": b"\x01", "originationTime": timestamp(base + 700, 480)})))
    expected.append({"record": len(records), "kind": "skipped", "name": "moSMSRecord"})
    records.append(cs.encode(("hlrIntRecord", {
        "recordType": 11, "servedIMSI": tbcd("460077552000464"), "servedMSISDN": address("8613905520464"),
        "recordingEntity": entity, "routingNumber": ("roaming", address("13900022407", False)),
        "interrogationTime": timestamp(base + 710, 480)})))
    expected.append({"record": len(records), "kind": "skipped", "name": "hlrIntRecord"})

    s = base + 800
    parts = [(s, s + 6, s + 66), (s + 66, s + 66, s + 126), (s + 126, s + 126, s + 150)]
    for number, (start, answer, release) in enumerate(parts, 1):
        fields = {"recordType": 0, "servedIMSI": tbcd("460881104008809"), "servedMSISDN": address("8613905228809"),
                  "calledNumber": bcd_number("13905520464", international=False), "recordingEntity": entity,
                  "seizureTime": timestamp(s, 480), "answerTime": timestamp(answer, 480),
                  "releaseTime": timestamp(release, 480), "callReference": b"\x00\x01\x07", "sequenceNumber": number}
        if number < 3:
            fields["partialRecordType"] = "timeLimit"
        fields.update(trunks("RNC34", "RNC36", "mscIncomingTKGP", "mscOutgoingTKGP"))
        call("moCallRecord", fields, "mo", "+8613905228809", "+8613905520464", start, answer, release, "RNC34", "RNC36",
             part=number)

    huawei = spec.modules["Huawei-CS"]
    header = huawei["HeaderRecord"].encode({"productionDateTime": timestamp(base + 1000, 480),
                                            "recordingEntity": entity, "extensions": []})
    trailer = huawei["TrailerRecord"].encode({"productionDateTime": timestamp(base + 1000, 480),
                                              "recordingEntity": entity, "firstCallDateTime": timestamp(base + 100, 480),
                                              "lastCallDateTime": timestamp(base + 926, 480),
                                              "noOfRecords": len(records), "extensions": []})
    return records, expected, header, trailer


def msc_file(records, header, trailer):
    """A CallEventDataFile: header [0], the trailer [2] before the records [1] (as Huawei MSCs may write
    it), long-form outer length."""
    body = retag(header, 0) + retag(trailer, 2) + tlv(0xA1, b"".join(records))
    return long_form(tlv(0x30, body))


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
    msc_records, msc_expected, header, trailer = build_msc(spec)
    with open(os.path.join(OUT, "msc-file.ber"), "wb") as f:
        f.write(msc_file(msc_records, header, trailer))
    with open(os.path.join(OUT, "msc-file-cut.ber"), "wb") as f:
        f.write(msc_file(msc_records[:3] + msc_records[4:], header, trailer))
    with open(os.path.join(OUT, "msc-file.json"), "w") as f:
        json.dump(msc_expected, f, indent=1)
    print("wrote", ", ".join(variants), "and cs-records.json to", OUT)


if __name__ == "__main__":
    main()
