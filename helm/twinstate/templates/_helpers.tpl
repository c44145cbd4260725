{{/*
Standard name helpers (the bitnami / prometheus-community conventions).
*/}}

{{/* Chart name, truncated to the 63 characters a Kubernetes name may have. */}}
{{- define "twinstate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Fully qualified app name: <release>-<chart>, or the release name when it already contains the chart name. */}}
{{- define "twinstate.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Chart name and version, for the helm.sh/chart label. */}}
{{- define "twinstate.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Common labels of every resource. */}}
{{- define "twinstate.labels" -}}
helm.sh/chart: {{ include "twinstate.chart" . }}
{{ include "twinstate.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: twinstate
{{- end -}}

{{/* Selector labels shared by every resource of the release. */}}
{{- define "twinstate.selectorLabels" -}}
app.kubernetes.io/name: {{ include "twinstate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/*
Per-service helpers take a dict: (dict "root" $ "component" "ingest").
*/}}

{{/* Name of a service's resources: <fullname>-<component>. */}}
{{- define "twinstate.componentName" -}}
{{- printf "%s-%s" (include "twinstate.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels of a service's resources. */}}
{{- define "twinstate.componentLabels" -}}
{{ include "twinstate.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Selector labels of a service's pods. */}}
{{- define "twinstate.componentSelectorLabels" -}}
{{ include "twinstate.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* The image of a service: <registry>/<repository>-<component>:<tag>, or its imageRepository override. */}}
{{- define "twinstate.image" -}}
{{- $svc := index .root.Values.services .component -}}
{{- $repo := default (printf "%s-%s" .root.Values.image.repository .component) $svc.imageRepository -}}
{{- $tag := default .root.Chart.AppVersion .root.Values.image.tag -}}
{{- if .root.Values.image.registry -}}
{{- printf "%s/%s:%s" .root.Values.image.registry $repo $tag -}}
{{- else -}}
{{- printf "%s:%s" $repo $tag -}}
{{- end -}}
{{- end -}}

{{/* Name of the ServiceAccount. */}}
{{- define "twinstate.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "twinstate.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Secret holding the Kafka SASL credentials. */}}
{{- define "twinstate.kafkaSecretName" -}}
{{- default (printf "%s-kafka" (include "twinstate.fullname" .)) .Values.kafka.sasl.existingSecret -}}
{{- end -}}

{{/* Secret holding the gRPC token file (GRPC_AUTH_TOKENS_FILE). */}}
{{- define "twinstate.grpcTokensSecretName" -}}
{{- default (printf "%s-grpc-tokens" (include "twinstate.fullname" .)) .Values.grpc.auth.existingSecret -}}
{{- end -}}

{{/* Secret holding the webhooks' HMAC secrets. */}}
{{- define "twinstate.webhookSecretName" -}}
{{- default (printf "%s-webhooks" (include "twinstate.fullname" .)) .Values.alertRoutes.webhookSecrets.existingSecret -}}
{{- end -}}

{{/* Environment variable holding a webhook's HMAC secret: TWINSTATE_WEBHOOK_SECRET_<NAME>. */}}
{{- define "twinstate.webhookSecretEnv" -}}
{{- printf "TWINSTATE_WEBHOOK_SECRET_%s" (. | upper | replace "-" "_") -}}
{{- end -}}

{{/* The files of a ConfigMap: bundled examples (files/<dir>/*) when enabled, then the values' own files. */}}
{{- define "twinstate.configFiles" -}}
{{- $files := dict -}}
{{- if .bundled -}}
{{- range $path, $_ := .root.Files.Glob (printf "files/%s/*" .dir) -}}
{{- $_ := set $files (base $path) ($.root.Files.Get $path) -}}
{{- end -}}
{{- end -}}
{{- range $name, $content := .extra -}}
{{- $_ := set $files $name $content -}}
{{- end -}}
{{- toYaml $files -}}
{{- end -}}

{{/* Comma-separated paths of the twin files under /etc/twinstate/twins; .bindings selects binding files. */}}
{{- define "twinstate.twinFileList" -}}
{{- $files := include "twinstate.configFiles" (dict "root" .root "dir" "twins" "bundled" .root.Values.twins.bundledExamples "extra" .root.Values.twins.files) | fromYaml -}}
{{- $paths := list -}}
{{- range $name, $_ := $files -}}
{{- if eq (hasPrefix "bindings" $name) $.bindings -}}
{{- $paths = append $paths (printf "/etc/twinstate/twins/%s" $name) -}}
{{- end -}}
{{- end -}}
{{- join "," $paths -}}
{{- end -}}

{{/* Comma-separated paths of the alerting rule files. */}}
{{- define "twinstate.alertRuleFileList" -}}
{{- $files := include "twinstate.configFiles" (dict "root" . "dir" "alerting" "bundled" .Values.alertRules.bundledExamples "extra" .Values.alertRules.files) | fromYaml -}}
{{- $paths := list -}}
{{- range $name, $_ := $files -}}
{{- $paths = append $paths (printf "/etc/twinstate/alerting/%s" $name) -}}
{{- end -}}
{{- join "," $paths -}}
{{- end -}}

{{/* The services in pipeline order. */}}
{{- define "twinstate.components" -}}
ingest assimilation drift alerting
{{- end -}}
