#!/usr/bin/env bash
export LLM_URL="http://${host_ip}:8010"
