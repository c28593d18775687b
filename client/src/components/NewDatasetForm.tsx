import { useNavigate } from '@solidjs/router';
import { createDataset } from '../api/datasets.js';
import { DatasetMetadataForm } from '../dataset/DatasetMetadataForm.js';

/** Creates a dataset in a project and opens it. */
export function NewDatasetForm(props: { projectId: string }) {
  const navigate = useNavigate();
  return (
    <DatasetMetadataForm
      heading="New dataset"
      submitLabel="Create dataset"
      onSubmit={async (input) => {
        const created = await createDataset(props.projectId, input);
        navigate(`/datasets/${created.id}`);
      }}
    />
  );
}
