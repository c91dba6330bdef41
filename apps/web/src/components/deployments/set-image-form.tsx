"use client";
// Changing the image is an upgrade: the agents replace the container. The field
// follows the live spec (pushed CR changes) until the person starts editing it.
import { FormField } from "@fleet/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactElement } from "react";
import { setImageInput } from "../../deployments/inputs";
import {
  beginEdit,
  changedMeanwhile,
  isDirty,
  settleEdit,
  shownValue,
  typeText,
  type FieldState,
} from "../../deployments/live-field";
import { useTRPC } from "../../trpc/react";

export function SetImageForm({
  namespace,
  name,
  image,
  disabled = false,
}: {
  namespace: string;
  name: string;
  /** The live spec's image. */
  image: string;
  disabled?: boolean;
}): ReactElement {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [edit, setEdit] = useState<FieldState>();
  const [fieldError, setFieldError] = useState<string>();
  const value = shownValue(image, edit);
  const upgrade = useMutation(
    trpc.deployments.setImage.mutationOptions({
      onSuccess: (updated) => {
        setEdit(undefined);
        queryClient.setQueryData(trpc.deployments.byName.queryKey({ namespace, name }), updated);
      },
    }),
  );
  return (
    <form
      className="flex flex-wrap items-end gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        const parsed = setImageInput.safeParse({ namespace, name, image: value });
        setFieldError(parsed.success ? undefined : parsed.error.issues[0]?.message);
        if (parsed.success) upgrade.mutate(parsed.data);
      }}
    >
      <FormField
        label="Image"
        name="image"
        value={value}
        error={fieldError}
        disabled={disabled}
        hint={
          changedMeanwhile(image, edit) && isDirty(edit)
            ? `Changed to ${image} since you started editing`
            : undefined
        }
        onFocus={() => {
          setEdit((current) => beginEdit(image, current));
        }}
        onBlur={() => {
          setEdit(settleEdit);
        }}
        onChange={(e) => {
          const text = e.target.value;
          setEdit((current) => typeText(image, current, text));
        }}
        className="w-96"
      />
      <button
        type="submit"
        disabled={disabled || upgrade.isPending || value === image}
        className="rounded bg-sky-700 px-3 py-1 text-sm text-white disabled:opacity-50"
      >
        Upgrade
      </button>
      {upgrade.error && (
        <p role="alert" className="text-sm text-red-700">
          {upgrade.error.message}
        </p>
      )}
    </form>
  );
}
