import { z } from "zod";

/**
 * The formats a definition's values share with Kubernetes: object names, label keys and values,
 * quantities, ports. Every document's schema builds on them.
 */

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A Kubernetes object name that must be a DNS-1123 label (Services, namespaces, ...). */
export const labelName = (max = 63) =>
  z
    .string()
    .max(max, { message: `must be at most ${max} characters` })
    .regex(dns1123Label, {
      message:
        "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit",
    });

export const subdomainName = z.string().max(253).regex(dns1123Subdomain, {
  message: "must be a DNS-1123 subdomain: lower-case letters, digits, '-' and '.'",
});

/** A ConfigMap key, which is also the file name it is mounted as. */
export const configKey = z.string().regex(/^[-._a-zA-Z0-9]+$/, {
  message: "must be a ConfigMap key: letters, digits, '-', '_' and '.'",
});

export const envVarName = z
  .string()
  .regex(/^[-._a-zA-Z][-._a-zA-Z0-9]*$/, { message: "must be a valid environment variable name" });
export const quantity = z.string().regex(/^[0-9]+(\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|M|G|T)?$/, {
  message: 'must be a Kubernetes quantity such as "250m", "512Mi" or "2"',
});
export const port = z.number().int().min(1).max(65535);

export const labelValue = z
  .string()
  .regex(/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/, {
    message: "must be a label value: at most 63 letters, digits, '-', '_' or '.'",
  })
  .max(63);
export const labelKey = z
  .string()
  .regex(
    /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/,
    { message: "must be a label key such as team or example.com/tier" },
  );
