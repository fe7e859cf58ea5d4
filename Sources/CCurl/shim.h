// Typed wrappers for libcurl's variadic curl_easy_setopt / curl_easy_getinfo, which Swift cannot call.
#ifndef BIZFLOW_CCURL_SHIM_H
#define BIZFLOW_CCURL_SHIM_H
#include <curl/curl.h>

static inline CURLcode bz_curl_setopt_long(CURL *h, CURLoption opt, long value) {
    return curl_easy_setopt(h, opt, value);
}
static inline CURLcode bz_curl_setopt_string(CURL *h, CURLoption opt, const char *value) {
    return curl_easy_setopt(h, opt, value);
}
static inline CURLcode bz_curl_setopt_pointer(CURL *h, CURLoption opt, void *value) {
    return curl_easy_setopt(h, opt, value);
}
static inline CURLcode bz_curl_setopt_slist(CURL *h, CURLoption opt, struct curl_slist *value) {
    return curl_easy_setopt(h, opt, value);
}
typedef size_t (*bz_curl_write_fn)(char *, size_t, size_t, void *);
static inline CURLcode bz_curl_setopt_write_function(CURL *h, bz_curl_write_fn fn) {
    return curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, fn);
}
static inline CURLcode bz_curl_setopt_header_function(CURL *h, bz_curl_write_fn fn) {
    return curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, fn);
}
static inline CURLcode bz_curl_getinfo_long(CURL *h, CURLINFO info, long *value) {
    return curl_easy_getinfo(h, info, value);
}
#endif
