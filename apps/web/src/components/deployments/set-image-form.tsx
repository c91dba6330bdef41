"use client";
// Changing the image is an upgrade: the agents replace the container.
import { FormField } from "@fleet/ui";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactElement } from "react";
import { setImageInput } from "../../deployments/inputs";
import { useTRPC } from "../../trpc/react";

export function SetImageForm({
  namespace,
  name,
  image,
}: {
  namespace: string;
  name: string;
  image: string;
}): ReactElement {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [value, setValue] = useState(image);
  const [fieldError, setFieldError] = useState<string>();
  const upgrade = useMutation(
    trpc.deployments.setImage.mutationOptions({
      onSuccess: (updated) => {
        queryClient.setQueryData(trpc.deployments.byName.queryKey({ namespace, name }), updated);
        void queryClient.invalidateQueries({ queryKey: trpc.deployments.list.queryKey() });
      },
    }),
  );
  return (
    <form
      className="flex items-end gap-2"
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
        onChange={(e) => {
          setValue(e.target.value);
        }}
        className="w-96"
      />
      <button
        type="submit"
        disabled={upgrade.isPending || value === image}
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
