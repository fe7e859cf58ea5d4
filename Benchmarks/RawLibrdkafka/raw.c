#include "RawLibrdkafka.h"
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A producer is idempotent, and transactional (lingering 5 ms, like a tier's) when given a transactional id. */
static rd_kafka_t *new_client(rd_kafka_type_t type, const char *bootstrap, const char *group,
                              const char *transactional_id) {
    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, errstr, sizeof errstr);
    if (type == RD_KAFKA_PRODUCER) {
        rd_kafka_conf_set(conf, "enable.idempotence", "true", errstr, sizeof errstr);
        if (transactional_id != NULL) {
            rd_kafka_conf_set(conf, "transactional.id", transactional_id, errstr, sizeof errstr);
            rd_kafka_conf_set(conf, "linger.ms", "5", errstr, sizeof errstr);
        }
    } else {
        rd_kafka_conf_set(conf, "group.id", group, errstr, sizeof errstr);
        rd_kafka_conf_set(conf, "auto.offset.reset", "earliest", errstr, sizeof errstr);
        rd_kafka_conf_set(conf, "enable.auto.commit", "false", errstr, sizeof errstr);
        rd_kafka_conf_set(conf, "isolation.level", "read_committed", errstr, sizeof errstr);
    }
    rd_kafka_t *rk = rd_kafka_new(type, conf, errstr, sizeof errstr);
    if (rk == NULL) fprintf(stderr, "raw: %s\n", errstr);
    return rk;
}

/* headers (may be NULL) are copied; the copy belongs to librdkafka once a produce succeeds. */
static int produce_one(rd_kafka_t *rk, const char *topic, const void *key, size_t key_len, const void *value,
                       size_t len, const rd_kafka_headers_t *headers) {
    for (;;) {
        rd_kafka_headers_t *copy = headers != NULL ? rd_kafka_headers_copy(headers) : NULL;
        rd_kafka_resp_err_t err = rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_KEY(key, key_len),
                                                    RD_KAFKA_V_VALUE((void *)value, len),
                                                    RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                                    RD_KAFKA_V_HEADERS(copy), RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return 0;
        if (copy != NULL) rd_kafka_headers_destroy(copy);
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) return -1;
        rd_kafka_poll(rk, 1);
    }
}

int raw_produce(const char *bootstrap, const char *topic, int count, int size) {
    rd_kafka_t *rk = new_client(RD_KAFKA_PRODUCER, bootstrap, NULL, NULL);
    if (rk == NULL) return -1;
    char *value = malloc((size_t)size);
    memset(value, 'x', (size_t)size);
    char key[32];
    int rc = 0;
    for (int i = 0; i < count && rc == 0; i++) {
        int n = snprintf(key, sizeof key, "k%d", i % 1000);
        rc = produce_one(rk, topic, key, (size_t)n, value, (size_t)size, NULL);
        rd_kafka_poll(rk, 0);
    }
    if (rd_kafka_flush(rk, 60000) != RD_KAFKA_RESP_ERR_NO_ERROR) rc = -1;
    rd_kafka_destroy(rk);
    free(value);
    return rc;
}

static rd_kafka_t *subscribe(const char *bootstrap, const char *topic, const char *group) {
    rd_kafka_t *rk = new_client(RD_KAFKA_CONSUMER, bootstrap, group, NULL);
    if (rk == NULL) return NULL;
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t *topics = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(topics, topic, RD_KAFKA_PARTITION_UA);
    rd_kafka_subscribe(rk, topics);
    rd_kafka_topic_partition_list_destroy(topics);
    return rk;
}

int raw_consume(const char *bootstrap, const char *topic, const char *group, int count) {
    rd_kafka_t *rk = subscribe(bootstrap, topic, group);
    if (rk == NULL) return -1;
    int received = 0;
    size_t bytes = 0;
    while (received < count) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 1000);
        if (m == NULL) continue;
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            received++;
            bytes += m->len;
        }
        rd_kafka_message_destroy(m);
    }
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    return bytes > 0 ? 0 : -1;
}

int raw_copy(const char *bootstrap, const char *input, const char *output, const char *group, int count) {
    return raw_copy_timed(bootstrap, input, output, group, count, NULL);
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int raw_copy_timed(const char *bootstrap, const char *input, const char *output, const char *group, int count,
                   double *active_seconds) {
    rd_kafka_t *consumer = subscribe(bootstrap, input, group);
    rd_kafka_t *producer = new_client(RD_KAFKA_PRODUCER, bootstrap, NULL, NULL);
    if (consumer == NULL || producer == NULL) return -1;
    int copied = 0, rc = 0;
    double first = 0;
    while (copied < count && rc == 0) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(consumer, 1000);
        if (m == NULL) continue;
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            if (copied == 0) first = now_seconds();
            rd_kafka_headers_t *headers = NULL;
            if (rd_kafka_message_headers(m, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) headers = NULL;
            rc = produce_one(producer, output, m->key, m->key_len, m->payload, m->len, headers);
            copied++;
        }
        rd_kafka_message_destroy(m);
        rd_kafka_poll(producer, 0);
    }
    if (rd_kafka_flush(producer, 60000) != RD_KAFKA_RESP_ERR_NO_ERROR) rc = -1;
    if (active_seconds != NULL) *active_seconds = now_seconds() - first;
    rd_kafka_consumer_close(consumer);
    rd_kafka_destroy(consumer);
    rd_kafka_destroy(producer);
    return rc;
}

/* Adds or raises `partition`'s next offset in `offsets`. */
static void note_offset(rd_kafka_topic_partition_list_t *offsets, const rd_kafka_message_t *m) {
    const char *topic = rd_kafka_topic_name(m->rkt);
    rd_kafka_topic_partition_t *entry = rd_kafka_topic_partition_list_find(offsets, topic, m->partition);
    if (entry == NULL) entry = rd_kafka_topic_partition_list_add(offsets, topic, m->partition);
    if (m->offset + 1 > entry->offset) entry->offset = m->offset + 1;
}

/* The Kafka work of an exactly-once tier without the tier: per batch a transaction holding two records per input
 * (the copy with its headers, and a key/value record to `changelog`) and the batch's consumed offsets. */
int raw_copy_transactional_timed(const char *bootstrap, const char *input, const char *output, const char *changelog,
                                 const char *group, int count, int batch, double *active_seconds) {
    rd_kafka_t *consumer = subscribe(bootstrap, input, group);
    char transactional_id[300];
    snprintf(transactional_id, sizeof transactional_id, "%s-txn", group);
    rd_kafka_t *producer = new_client(RD_KAFKA_PRODUCER, bootstrap, NULL, transactional_id);
    if (consumer == NULL || producer == NULL) return -1;
    rd_kafka_error_t *error = rd_kafka_init_transactions(producer, 30000);
    rd_kafka_queue_t *queue = rd_kafka_queue_get_consumer(consumer);
    rd_kafka_message_t **messages = malloc(sizeof *messages * (size_t)batch);
    int copied = 0;
    double first = 0;
    while (error == NULL && copied < count) {
        ssize_t n = rd_kafka_consume_batch_queue(queue, copied == 0 ? 1000 : 20, messages, (size_t)batch);
        if (n <= 0) continue;
        rd_kafka_topic_partition_list_t *offsets = rd_kafka_topic_partition_list_new((int)n);
        int rc = 0;
        error = rd_kafka_begin_transaction(producer);
        for (ssize_t i = 0; i < n; i++) {
            rd_kafka_message_t *m = messages[i];
            if (error == NULL && rc == 0 && m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
                if (copied == 0) first = now_seconds();
                rd_kafka_headers_t *headers = NULL;
                if (rd_kafka_message_headers(m, &headers) != RD_KAFKA_RESP_ERR_NO_ERROR) headers = NULL;
                rc = produce_one(producer, output, m->key, m->key_len, m->payload, m->len, headers);
                if (rc == 0) rc = produce_one(producer, changelog, m->key, m->key_len, m->payload, m->len, NULL);
                note_offset(offsets, m);
                copied++;
            }
            rd_kafka_message_destroy(m);
        }
        if (error == NULL && rc != 0) error = rd_kafka_error_new(RD_KAFKA_RESP_ERR__FAIL, "raw: produce failed");
        if (error == NULL) {
            rd_kafka_consumer_group_metadata_t *metadata = rd_kafka_consumer_group_metadata(consumer);
            error = rd_kafka_send_offsets_to_transaction(producer, offsets, metadata, 30000);
            rd_kafka_consumer_group_metadata_destroy(metadata);
        }
        if (error == NULL) error = rd_kafka_commit_transaction(producer, 30000);
        rd_kafka_topic_partition_list_destroy(offsets);
    }
    if (active_seconds != NULL) *active_seconds = now_seconds() - first;
    int result = 0;
    if (error != NULL) {
        fprintf(stderr, "raw: %s\n", rd_kafka_error_string(error));
        rd_kafka_error_destroy(error);
        result = -1;
    }
    free(messages);
    rd_kafka_queue_destroy(queue);
    rd_kafka_consumer_close(consumer);
    rd_kafka_destroy(consumer);
    rd_kafka_destroy(producer);
    return result;
}
