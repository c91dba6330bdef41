{{/* Names and labels shared by every template. */}}

{{- define "fleet.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* "<release>-<chart>", or just the release name when it already contains the chart name. */}}
{{- define "fleet.fullname" -}}
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

{{/* Object names get a suffix, so the prefix is cut to leave room for it. */}}
{{- define "fleet.operator.fullname" -}}
{{- printf "%s-operator" (include "fleet.fullname" . | trunc 54 | trimSuffix "-") -}}
{{- end -}}

{{- define "fleet.dashboard.fullname" -}}
{{- printf "%s-dashboard" (include "fleet.fullname" . | trunc 53 | trimSuffix "-") -}}
{{- end -}}

{{/*
The dashboard's public origin (DASHBOARD_URL): dashboard.publicUrl, else the
Ingress host (https when it has a TLS secret), else empty (the app then uses
each request's origin).
*/}}
{{- define "fleet.dashboard.publicUrl" -}}
{{- $d := .Values.dashboard -}}
{{- if $d.publicUrl -}}
{{- $d.publicUrl -}}
{{- else if $d.ingress.enabled -}}
{{- printf "%s://%s" (ternary "https" "http" (not (empty $d.ingress.tls.secretName))) $d.ingress.host -}}
{{- end -}}
{{- end -}}

{{- define "fleet.operator.serviceAccountName" -}}
{{- default (include "fleet.operator.fullname" .) .Values.operator.serviceAccount.name -}}
{{- end -}}

{{- define "fleet.operator.leaseName" -}}
{{- default (printf "%s-leader" (include "fleet.fullname" . | trunc 56 | trimSuffix "-")) .Values.operator.leaderElection.leaseName -}}
{{- end -}}

{{- define "fleet.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "fleet.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: fleet
{{- end -}}

{{/* Selector labels never change after install (Deployment selectors are immutable). */}}
{{- define "fleet.operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "fleet.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end -}}

{{- define "fleet.operator.labels" -}}
{{ include "fleet.labels" . }}
app.kubernetes.io/component: operator
{{- end -}}

{{- define "fleet.dashboard.selectorLabels" -}}
app.kubernetes.io/name: {{ include "fleet.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: dashboard
{{- end -}}

{{- define "fleet.dashboard.labels" -}}
{{ include "fleet.labels" . }}
app.kubernetes.io/component: dashboard
{{- end -}}

{{- define "fleet.image" -}}
{{- printf "%s:%s" .image.repository (default .appVersion .image.tag) -}}
{{- end -}}

{{/* Where the dashboard's NATS .creds file is mounted in its container. */}}
{{- define "fleet.dashboard.natsCredentialsDir" -}}
/etc/fleet-dashboard/nats
{{- end -}}

{{/* Where the IdP admin's key file (device provisioning) is mounted in the dashboard's container. */}}
{{- define "fleet.dashboard.provisioningDir" -}}
/etc/fleet-dashboard/provisioning
{{- end -}}

{{/* Where the key that signs browser tickets is mounted in the dashboard's container. */}}
{{- define "fleet.dashboard.liveAuthDir" -}}
/etc/fleet-dashboard/live-auth
{{- end -}}

{{/* Where the NATS .creds file is mounted in the operator's container. */}}
{{- define "fleet.operator.natsCredentialsDir" -}}
/etc/iot-operator/nats
{{- end -}}

{{- define "fleet.identity.fullname" -}}
{{- printf "%s-identity" (include "fleet.fullname" . | trunc 54 | trimSuffix "-") -}}
{{- end -}}

{{- define "fleet.identity.serviceAccountName" -}}
{{- default (include "fleet.identity.fullname" .) .Values.identity.serviceAccount.name -}}
{{- end -}}

{{- define "fleet.identity.selectorLabels" -}}
app.kubernetes.io/name: {{ include "fleet.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: identity
{{- end -}}

{{- define "fleet.identity.labels" -}}
{{ include "fleet.labels" . }}
app.kubernetes.io/component: identity
{{- end -}}

{{/* Where the identity service's keys and credentials are mounted in its container. */}}
{{- define "fleet.identity.secretsDir" -}}
/etc/iot-identity/secrets
{{- end -}}

{{/* Where the IdP's private CA is mounted in the identity service's container. */}}
{{- define "fleet.identity.caDir" -}}
/etc/iot-identity/idp-ca
{{- end -}}

{{/* Where the IdP admin's key file (the registrar's) is mounted in the identity service's container. */}}
{{- define "fleet.identity.adminKeyDir" -}}
/etc/iot-identity/idp-admin
{{- end -}}

{{/* Where the enrollment API's serving certificate and key are mounted in the identity service's container. */}}
{{- define "fleet.identity.enrollmentTlsDir" -}}
/etc/iot-identity/enrollment-tls
{{- end -}}
