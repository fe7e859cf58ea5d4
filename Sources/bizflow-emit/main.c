// bizflow-emit: emits a LeadCaptured or OrderPlaced event from the command line, for producers that are not
// Swift. The payload is protobuf (protobuf-c bindings of Protos/), the headers are CloudEvents binary mode.
//
//   bizflow-emit [-b BOOTSTRAP] [-t TOPIC] [-s SOURCE] lead  lead_id=L1 tenant_id=acme email=a@b.c source=LEAD_SOURCE_WEB_FORM ...
//   bizflow-emit [-b BOOTSTRAP] [-t TOPIC] [-s SOURCE] order order_id=O1 tenant_id=acme currency=EUR item=SKU-1:2:1299 ...
//
// Any scalar field of the message can be set by its proto name; item=SKU:QUANTITY:UNIT_PRICE adds an order line.
#include <librdkafka/rdkafka.h>
#include <protobuf-c/protobuf-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "BizflowProtosC.h"

static rd_kafka_resp_err_t delivery_error = RD_KAFKA_RESP_ERR__IN_PROGRESS;

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
    (void)rk; (void)opaque;
    delivery_error = m->err;
}

static int usage(void) {
    fprintf(stderr, "usage: bizflow-emit [-b bootstrap] [-t topic] [-s source] lead|order field=value ...\n"
                    "  scalar fields by proto name (enum values by name, e.g. source=LEAD_SOURCE_WEB_FORM);\n"
                    "  item=SKU:QUANTITY:UNIT_PRICE adds an order line. lead_id/order_id and tenant_id are required.\n");
    return 2;
}

// Sets one scalar field by its proto name; returns 0 on success.
static int set_field(ProtobufCMessage *msg, const char *name, const char *value) {
    const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(msg->descriptor, name);
    if (f == NULL || f->label == PROTOBUF_C_LABEL_REPEATED) {
        fprintf(stderr, "bizflow-emit: %s has no settable field %s\n", msg->descriptor->name, name);
        return -1;
    }
    void *p = (char *)msg + f->offset;
    char *end = NULL;
    switch (f->type) {
    case PROTOBUF_C_TYPE_STRING: *(char **)p = strdup(value); return 0;
    case PROTOBUF_C_TYPE_INT32: case PROTOBUF_C_TYPE_SINT32: case PROTOBUF_C_TYPE_SFIXED32:
        *(int32_t *)p = (int32_t)strtol(value, &end, 10); break;
    case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
        *(int64_t *)p = strtoll(value, &end, 10); break;
    case PROTOBUF_C_TYPE_UINT32: case PROTOBUF_C_TYPE_FIXED32:
        *(uint32_t *)p = (uint32_t)strtoul(value, &end, 10); break;
    case PROTOBUF_C_TYPE_BOOL:
        *(protobuf_c_boolean *)p = strcmp(value, "true") == 0; return 0;
    case PROTOBUF_C_TYPE_DOUBLE: *(double *)p = strtod(value, &end); break;
    case PROTOBUF_C_TYPE_ENUM: {
        const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value_by_name(f->descriptor, value);
        if (v == NULL) { fprintf(stderr, "bizflow-emit: %s is no value of %s\n", value, name); return -1; }
        *(int *)p = v->value;
        return 0;
    }
    default:
        fprintf(stderr, "bizflow-emit: field %s cannot be set from the command line\n", name);
        return -1;
    }
    if (end == value || (end != NULL && *end != '\0')) {
        fprintf(stderr, "bizflow-emit: %s=%s is not a number\n", name, value);
        return -1;
    }
    return 0;
}

static Google__Protobuf__Timestamp *now_timestamp(void) {
    Google__Protobuf__Timestamp *ts = malloc(sizeof *ts);
    google__protobuf__timestamp__init(ts);
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    ts->seconds = t.tv_sec;
    ts->nanos = (int32_t)t.tv_nsec;
    return ts;
}

static void new_event_id(char *out, size_t size) {
    FILE *f = fopen("/proc/sys/kernel/random/uuid", "r");
    if (f == NULL || fgets(out, (int)size, f) == NULL) snprintf(out, size, "emit-%ld-%d", (long)time(NULL), getpid());
    if (f) fclose(f);
    out[strcspn(out, "\n")] = '\0';
}

int main(int argc, char **argv) {
    const char *bootstrap = getenv("KAFKA_BOOTSTRAP_SERVERS");
    const char *topic = NULL, *source = "bizflow-emit";
    int opt;
    while ((opt = getopt(argc, argv, "b:t:s:h")) != -1) {
        switch (opt) {
        case 'b': bootstrap = optarg; break;
        case 't': topic = optarg; break;
        case 's': source = optarg; break;
        default: return usage();
        }
    }
    if (optind >= argc) return usage();
    if (bootstrap == NULL) bootstrap = "127.0.0.1:9092";

    Bizflow__Leads__V1__LeadCaptured lead;
    Bizflow__Orders__V1__OrderPlaced order;
    ProtobufCMessage *msg;
    const char *kind = argv[optind++];
    if (strcmp(kind, "lead") == 0) {
        bizflow__leads__v1__lead_captured__init(&lead);
        lead.captured_at = now_timestamp();
        msg = &lead.base;
        if (topic == NULL) topic = "leads.captured";
    } else if (strcmp(kind, "order") == 0) {
        bizflow__orders__v1__order_placed__init(&order);
        order.placed_at = now_timestamp();
        msg = &order.base;
        if (topic == NULL) topic = "orders.placed";
    } else {
        return usage();
    }

    for (int i = optind; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (eq == NULL) return usage();
        *eq = '\0';
        const char *name = argv[i], *value = eq + 1;
        if (msg == &order.base && strcmp(name, "item") == 0) {
            Bizflow__Orders__V1__OrderItem *item = malloc(sizeof *item);
            bizflow__orders__v1__order_item__init(item);
            char sku[256];
            long long quantity = 0, price = 0;
            if (sscanf(value, "%255[^:]:%lld:%lld", sku, &quantity, &price) != 3 || quantity <= 0 || price < 0) {
                fprintf(stderr, "bizflow-emit: item must be SKU:QUANTITY:UNIT_PRICE with a positive quantity\n");
                return 2;
            }
            item->sku = strdup(sku);
            item->quantity = (int32_t)quantity;
            item->unit_price = price;
            order.items = realloc(order.items, (order.n_items + 1) * sizeof *order.items);
            order.items[order.n_items++] = item;
            order.total += quantity * price;
            continue;
        }
        if (set_field(msg, name, value) != 0) return 2;
    }
    const char *key = msg == &lead.base ? lead.lead_id : order.order_id;
    const char *tenant = msg == &lead.base ? lead.tenant_id : order.tenant_id;
    if (key == NULL || *key == '\0' || tenant == NULL || *tenant == '\0') {
        fprintf(stderr, "bizflow-emit: %s and tenant_id are required\n", msg == &lead.base ? "lead_id" : "order_id");
        return 2;
    }

    size_t size = protobuf_c_message_get_packed_size(msg);
    uint8_t *payload = malloc(size ? size : 1);
    protobuf_c_message_pack(msg, payload);

    char id[64], when[40];
    new_event_id(id, sizeof id);
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    struct tm tm;
    gmtime_r(&t.tv_sec, &tm);
    size_t n = strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(when + n, sizeof when - n, ".%03ldZ", t.tv_nsec / 1000000);

    rd_kafka_headers_t *headers = rd_kafka_headers_new(8);
    rd_kafka_header_add(headers, "ce_specversion", -1, "1.0", -1);
    rd_kafka_header_add(headers, "ce_id", -1, id, -1);
    rd_kafka_header_add(headers, "ce_source", -1, source, -1);
    rd_kafka_header_add(headers, "ce_type", -1, msg->descriptor->name, -1);
    rd_kafka_header_add(headers, "ce_time", -1, when, -1);
    rd_kafka_header_add(headers, "content-type", -1, "application/protobuf", -1);
    rd_kafka_header_add(headers, "ce_tenantid", -1, tenant, -1);
    rd_kafka_header_add(headers, "ce_correlationid", -1, id, -1);

    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, errstr, sizeof errstr) != RD_KAFKA_CONF_OK ||
        rd_kafka_conf_set(conf, "enable.idempotence", "true", errstr, sizeof errstr) != RD_KAFKA_CONF_OK ||
        rd_kafka_conf_set(conf, "message.timeout.ms", "15000", errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "bizflow-emit: %s\n", errstr);
        return 1;
    }
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (rk == NULL) { fprintf(stderr, "bizflow-emit: %s\n", errstr); return 1; }
    rd_kafka_resp_err_t err = rd_kafka_producev(
        rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_KEY(key, strlen(key)), RD_KAFKA_V_VALUE(payload, size),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_END);
    if (err) {
        rd_kafka_headers_destroy(headers);
        fprintf(stderr, "bizflow-emit: cannot produce to %s: %s\n", topic, rd_kafka_err2str(err));
        rd_kafka_destroy(rk);
        return 1;
    }
    rd_kafka_flush(rk, 20000);
    rd_kafka_destroy(rk);
    if (delivery_error != RD_KAFKA_RESP_ERR_NO_ERROR) {
        fprintf(stderr, "bizflow-emit: not delivered to %s: %s (is Kafka running at %s?)\n", topic,
                rd_kafka_err2str(delivery_error), bootstrap);
        return 1;
    }
    printf("%s\n", id);
    return 0;
}
